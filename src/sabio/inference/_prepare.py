"""Getting a model in place: download and extract its data and code, find its handlers."""

from __future__ import annotations

import shutil
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

from sabio._config import Settings
from sabio.exceptions import NotFoundError, ValidationError
from sabio.inference._handlers import Handlers, load_handlers
from sabio.inference._spec import ModelSpec
from sabio.supervision import install_requirements

__all__ = ["prepare_model"]


def _extract(settings: Settings, archive: Path, dest: Path, what: str, source: str) -> None:
    from sabio.storage import ArchiveLimits, extract_archive

    extract_archive(
        archive, dest, what=what, source=source, limits=ArchiveLimits.from_settings(settings)
    )


def _unpack(settings: Settings, source: Path, dest: Path, what: str, url: str) -> None:
    """Extract an archive into ``dest``; a single model file that is no archive is copied.

    SageMaker's local mode serves ``model_data`` that is a plain file (``model.joblib``,
    ``xgboost-model``) as well as a ``model.tar.gz``: the file lands in the model folder
    under its own name. A file named like an archive (``.tar.gz``, ``.tgz``, ``.tar``) must
    be one.
    """
    name = url.rstrip("/").rsplit("/", 1)[-1] or source.name
    archive_name = name.endswith((".tar.gz", ".tgz", ".tar"))
    if what == "model data" and not archive_name and not tarfile.is_tarfile(source):
        shutil.copyfile(source, dest / name)
        return
    _extract(settings, source, dest, what, url)


def _fetch(settings: Settings, url: str, dest: Path, what: str) -> None:
    """Put the contents of ``url`` (archive, folder or model file; stored or local) in ``dest``."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    if url.startswith("s3://"):
        from sabio.storage import Store

        store = Store(settings)
        if store.exists(url):
            archive = dest.parent / f".{dest.name}.tar.gz"
            store.get_file(url, archive)
            try:
                _unpack(settings, archive, dest, what, url)
            finally:
                archive.unlink(missing_ok=True)
            return
        if store.is_prefix(url):
            store.download(url, dest)
            return
        raise NotFoundError(
            f"The {what} {url} does not exist in the store. Check the URI (a training job's "
            "model is at <output_path>/<job>/output/model.tar.gz)."
        )
    path = Path(url.removeprefix("file://")).expanduser()
    if path.is_dir():
        shutil.copytree(path, dest, dirs_exist_ok=True)
    elif path.is_file():
        _unpack(settings, path, dest, what, str(path))
    else:
        raise NotFoundError(
            f"The {what} {url} does not exist: expected an s3:// URI, or a local model.tar.gz "
            "or folder."
        )


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _install_code_requirements(
    settings: Settings, code_dir: Path, log: Callable[[str], None]
) -> None:
    """Install the model code's ``requirements.txt`` (as SageMaker's serving containers do).

    The same cached installer as training; a folder it installs into goes on ``sys.path``
    of this process, which the model server's forked workers and the transform's worker
    processes inherit.
    """
    requirements = code_dir / "requirements.txt"
    if not requirements.is_file():
        return
    extra = install_requirements(requirements, settings.cache_dir, log)
    if extra is not None and str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def prepare_model(
    settings: Settings,
    model_spec: ModelSpec,
    dest: Path,
    log: Callable[[str], None] = _stderr,
) -> tuple[Path, Handlers]:
    """Download and extract a model into ``dest/model`` and its code into ``dest/code``.

    Args:
        settings: the workspace (for the store).
        model_spec: the model record's spec.
        dest: a folder owned by the caller.
        log: where progress lines go (installing ``requirements.txt``).

    Returns:
        ``(model_dir, handlers)``.

    Raises:
        NotFoundError: the model data or code does not exist.
        ValidationError: an archive is corrupt, ``requirements.txt`` cannot be installed,
            or the inference code cannot be imported.
    """
    url = model_spec.model_data_url
    if not url:
        raise ValidationError(
            f"Model {model_spec.model_name!r} has no ModelDataUrl: pass model_data= "
            "(the model.tar.gz of a training job)."
        )
    model_dir = dest / "model"
    _fetch(settings, url, model_dir, "model data")
    code_dir: Path | None = None
    if model_spec.source_dir:
        code_dir = dest / "code"
        _fetch(settings, model_spec.source_dir, code_dir, "source_dir")
    # The code's requirements.txt: in source_dir, else in the model archive's code/ folder
    # (where SageMaker's framework containers look for inference code).
    requirements_dir = code_dir if code_dir is not None else model_dir / "code"
    if model_spec.entry_point or model_spec.source_dir or requirements_dir.is_dir():
        _install_code_requirements(settings, requirements_dir, log)
    handlers = load_handlers(
        model_dir,
        code_dir=code_dir,
        entry_point=model_spec.entry_point,
        builtin_module=model_spec.builtin_module,
    )
    return model_dir, handlers
