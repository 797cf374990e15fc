"""Getting a model in place: download and extract its data and code, find its handlers."""

from __future__ import annotations

import shutil
from pathlib import Path

from sabio._config import Settings
from sabio.exceptions import NotFoundError, ValidationError
from sabio.inference._handlers import Handlers, load_handlers
from sabio.inference._spec import ModelSpec

__all__ = ["prepare_model"]


def _extract(settings: Settings, archive: Path, dest: Path, what: str, source: str) -> None:
    from sabio.storage import ArchiveLimits, extract_archive

    extract_archive(
        archive, dest, what=what, source=source, limits=ArchiveLimits.from_settings(settings)
    )


def _fetch(settings: Settings, url: str, dest: Path, what: str) -> None:
    """Put the contents of ``url`` (archive or folder, in the store or local) into ``dest``."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    if url.startswith("s3://"):
        from sabio.storage import Store

        store = Store(settings)
        if store.exists(url):
            archive = dest.parent / f".{dest.name}.tar.gz"
            store.get_file(url, archive)
            try:
                _extract(settings, archive, dest, what, url)
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
        _extract(settings, path, dest, what, str(path))
    else:
        raise NotFoundError(
            f"The {what} {url} does not exist: expected an s3:// URI, or a local model.tar.gz "
            "or folder."
        )


def prepare_model(settings: Settings, model_spec: ModelSpec, dest: Path) -> tuple[Path, Handlers]:
    """Download and extract a model into ``dest/model`` and its code into ``dest/code``.

    Args:
        settings: the workspace (for the store).
        model_spec: the model record's spec.
        dest: a folder owned by the caller.

    Returns:
        ``(model_dir, handlers)``.

    Raises:
        NotFoundError: the model data or code does not exist.
        ValidationError: an archive is corrupt or the inference code cannot be imported.
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
    handlers = load_handlers(
        model_dir,
        code_dir=code_dir,
        entry_point=model_spec.entry_point,
        builtin_module=model_spec.builtin_module,
    )
    return model_dir, handlers
