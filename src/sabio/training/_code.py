"""Getting the job's code in place: unpacking, entry-point kinds, requirements.txt."""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sabio.exceptions import ValidationError
from sabio.storage import ArchiveLimits, extract_archive

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


def _unsatisfied(requirements: list[str]) -> list[str]:
    """Requirements the current environment does not satisfy (all of them if unsure)."""
    from packaging.requirements import InvalidRequirement, Requirement

    missing: list[str] = []
    for line in requirements:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            missing.append(line)
            continue
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            version = importlib.metadata.version(req.name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(line)
            continue
        if req.specifier and not req.specifier.contains(version, prereleases=True):
            missing.append(line)
    return missing


def install_requirements(
    requirements_file: Path, cache_dir: Path, log: Callable[[str], None]
) -> Path | None:
    """Install ``requirements.txt`` once per content hash; return a folder for PYTHONPATH.

    Returns None when the current environment already satisfies every requirement.

    Raises:
        ValidationError: pip failed (for example offline with a missing package).
    """
    text = requirements_file.read_text()
    lines = [
        line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()
    ]
    plain = [line for line in lines if not line.startswith("-")]
    if len(plain) == len(lines) and not _unsatisfied(plain):
        log("requirements.txt is already satisfied by this environment; nothing to install.")
        return None
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    target = cache_dir / "requirements" / digest
    if (target / ".complete").exists():
        log(f"Using cached install of requirements.txt ({digest}).")
        return target
    log(f"Installing requirements.txt into {target} ...")
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(tmp),
            "-r",
            str(requirements_file),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ValidationError(
            "Installing requirements.txt failed (pip exit code "
            f"{proc.returncode}): {proc.stderr.strip()[-800:]} — if this machine is offline, "
            "install the packages into sabio's environment first, then re-run the job."
        )
    (tmp / ".complete").write_text(digest)
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target
