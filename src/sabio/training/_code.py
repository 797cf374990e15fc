"""Getting the job's code in place: unpacking, entry-point kinds, requirements.txt."""

from __future__ import annotations

import sys
from pathlib import Path

from sabio.exceptions import ValidationError
from sabio.storage import ArchiveLimits, extract_archive
from sabio.supervision import install_requirements

__all__ = ["command_for", "install_requirements", "unpack_code"]


def unpack_code(
    archive: Path, code_dir: Path, limits: ArchiveLimits | None = None, source: str | None = None
) -> None:
    """Extract ``sourcedir.tar.gz`` into the code folder with sabio's one safe extractor.

    Raises:
        ArchiveError: the archive holds links, unsafe names or exceeds ``limits``.
    """
    extract_archive(
        archive, code_dir, what="code archive (sourcedir.tar.gz)", source=source, limits=limits
    )


def command_for(entry_point: str | None, builtin_module: str | None, code_dir: Path) -> list[str]:
    """The command that starts the program, without its hyperparameter arguments.

    ``.py`` runs with this interpreter, ``.sh`` with the shell, a package folder (with
    ``__main__.py``) or a dotted module name with ``python -m``.
    """
    if builtin_module:
        return [sys.executable, "-m", builtin_module]
    if not entry_point:
        raise ValidationError("The job has neither an entry point nor a built-in algorithm.")
    path = code_dir / entry_point
    if entry_point.endswith(".py"):
        return [sys.executable, str(path)]
    if entry_point.endswith(".sh"):
        return ["/bin/sh", str(path)]
    if path.is_dir() and (path / "__main__.py").is_file():
        return [sys.executable, "-m", entry_point.replace("/", ".").strip(".")]
    if all(part.isidentifier() for part in entry_point.split(".")):
        return [sys.executable, "-m", entry_point]
    raise ValidationError(
        f"Entry point {entry_point!r} is not a .py script, a .sh script, a package folder with "
        "__main__.py or a module name. Rename it or pass entry_point='train.py'."
    )
