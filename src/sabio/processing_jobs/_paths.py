"""Where a processing job's ``/opt/ml`` paths are on this machine: the one mapping.

Processing scripts written for SageMaker hard-code ``/opt/ml/processing/input/...`` and
``/opt/ml/processing/output/...``. The program runs in its own mount namespace where the
host folder *is* ``/opt/ml`` (``supervision.opt_ml_command``); for where that cannot be
made, every ``/opt/ml`` path of a job maps into the host's folder in the job folder
(``<job>/<host>/processing/input/...``), and the program also gets the real paths: in its
arguments (an argument that starts with a mapped path is rewritten) and in
environment variables. :func:`host_path` is the only place that knows the mapping.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path

__all__ = ["CONTAINER_ROOT", "PROCESSING_ROOT", "host_path", "is_under", "rewrite_arguments"]

#: The root of a SageMaker container's job folder.
CONTAINER_ROOT = "/opt/ml"
#: Where a processing job's inputs and outputs must live (SageMaker's rule for LocalPath).
PROCESSING_ROOT = "/opt/ml/processing"


def is_under(path: str, root: str) -> bool:
    """Whether the absolute POSIX ``path`` is ``root`` or inside it, after normalisation
    (``..`` cannot climb out)."""
    if not path.startswith("/"):
        return False
    normal = posixpath.normpath(path)
    return normal == root or normal.startswith(root + "/")


def host_path(host_dir: Path, container_path: str) -> Path:
    """The folder or file on this machine that the container path ``/opt/ml/...`` of the
    host whose folder is ``host_dir`` is.

    Raises:
        ValueError: ``container_path`` is not under ``/opt/ml`` (callers check first).
    """
    if not is_under(container_path, CONTAINER_ROOT):
        raise ValueError(f"{container_path!r} is not under {CONTAINER_ROOT}")
    relative = posixpath.normpath(container_path)[len(CONTAINER_ROOT) :].lstrip("/")
    return host_dir / relative if relative else host_dir


def rewrite_arguments(host_dir: Path, arguments: Iterable[str], roots: Iterable[str]) -> list[str]:
    """``arguments`` with every one that is, or starts with, one of the container paths
    ``roots`` (``/opt/ml/processing/input/data`` ...) turned into the real path; also the
    ``--flag=/opt/ml/...`` form. Other arguments are kept as they are."""
    ordered = sorted({r.rstrip("/") for r in roots}, key=len, reverse=True)
    rewritten = []
    for argument in arguments:
        prefix, _, value = argument.rpartition("=") if argument.startswith("-") else ("", "", "")
        target = value if prefix else argument
        for root in ordered:
            if target == root or target.startswith(root + "/"):
                real = str(host_path(host_dir, root)) + target[len(root) :]
                target = real
                break
        rewritten.append(f"{prefix}={target}" if prefix else target)
    return rewritten
