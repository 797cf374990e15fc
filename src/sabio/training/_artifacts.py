"""Packing the job's outputs: ``model.tar.gz``, ``output.tar.gz`` and ``sourcedir.tar.gz``."""

from __future__ import annotations

import tarfile
from collections.abc import Iterable
from pathlib import Path

from sabio.exceptions import NotFoundError, ValidationError

__all__ = ["pack_code", "pack_folder"]


def pack_folder(folders: Iterable[Path], archive: Path) -> int:
    """Write a flat ``.tar.gz`` (no top-level folder) of the folders' contents.

    With several folders (one per host), later ones win on equal names. Returns the
    number of files packed.
    """
    members: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() or path.is_symlink():
                members[path.relative_to(folder).as_posix()] = path
    archive.parent.mkdir(parents=True, exist_ok=True)
    # Level 1: a job's outputs are packed on its critical path, and a higher level costs
    # about twice the time for a few percent of size on typical model and metrics files.
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        for name, path in sorted(members.items()):
            tar.add(path, arcname=name, recursive=False)
    return len(members)


def pack_code(
    entry_point: str,
    source_dir: Path | None,
    dependencies: Iterable[Path],
    archive: Path,
) -> str:
    """Pack a job's code like the SageMaker SDK: ``source_dir`` (or the entry point's
    folder contents of just the entry point) plus each dependency next to it.

    Returns the entry point path relative to the code folder.

    Raises:
        NotFoundError: the entry point, source_dir or a dependency does not exist.
    """
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        if source_dir is not None:
            if not source_dir.is_dir():
                raise NotFoundError(
                    f"source_dir {str(source_dir)!r} does not exist or is not a folder. Pass the "
                    "folder that holds your training code, e.g. source_dir='src'."
                )
            entry = source_dir / entry_point
            if not entry.exists():
                raise NotFoundError(
                    f"Entry point {entry_point!r} not found in source_dir {str(source_dir)!r}. "
                    "entry_point is relative to source_dir when both are given."
                )
            for path in sorted(source_dir.iterdir()):
                if path.name in {"__pycache__", ".git", ".ipynb_checkpoints"}:
                    continue
                tar.add(path, arcname=path.name, filter=_skip_caches)
            relative = entry_point
        else:
            entry = Path(entry_point)
            if not entry.exists():
                raise NotFoundError(
                    f"Entry point {entry_point!r} does not exist (looked in {Path.cwd()}). Pass "
                    "the path of your training script, or a source_dir that contains it."
                )
            if entry.is_dir():
                raise ValidationError(
                    f"Entry point {entry_point!r} is a folder; pass source_dir={entry_point!r} "
                    "and the script or package name as entry_point."
                )
            tar.add(entry, arcname=entry.name)
            relative = entry.name
        for dependency in dependencies:
            if not dependency.exists():
                raise NotFoundError(
                    f"Dependency {str(dependency)!r} does not exist. dependencies= lists folders "
                    "or files to copy next to the entry point."
                )
            tar.add(dependency, arcname=dependency.name, filter=_skip_caches)
    return relative


def _skip_caches(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    parts = set(Path(info.name).parts)
    return None if parts & {"__pycache__", ".git", ".ipynb_checkpoints"} else info
