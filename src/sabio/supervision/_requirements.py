"""Installing a job's ``requirements.txt``: once per content hash, shared by every kind.

Training installs the requirements of its code folder before the script runs; serving and
batch transform install those of the model's code folder before importing the handlers
(SageMaker's framework containers do both). One cached installer serves all of them.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sabio.exceptions import ValidationError

__all__ = ["install_requirements"]


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
