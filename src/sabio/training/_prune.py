"""Freeing the disk space finished training jobs keep: ``sabio prune``.

A training job's folder keeps, per host, copies of its inputs (``input/data``), its code,
its model and output folders, plus the packed archives it uploaded (``artifacts/``,
``sourcedir.tar.gz``). Once the job has ended they are only working copies: the model and
output archives are in the store, the inputs are where the user uploaded them. Pruning
removes them and keeps what describes the job (``spec.json``, the logs, the hosts'
``input/config`` and ``output/failure``, the metrics file).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sabio import supervision
from sabio._config import Settings
from sabio.catalog import Catalog
from sabio.training._kind import TRAINING

__all__ = ["PrunedJob", "prune"]


@dataclass
class PrunedJob:
    """What pruning one job frees (or would free, in a dry run).

    Attributes:
        name: the training job.
        paths: the folders and files removed.
        freed_bytes: their size.
        kept: paths left because a registered model or an endpoint uses them.
    """

    name: str
    paths: list[Path] = field(default_factory=list)
    freed_bytes: int = 0
    kept: list[Path] = field(default_factory=list)


def _working_copies(folder: Path) -> list[Path]:
    found = [folder / "artifacts", folder / "sourcedir.tar.gz"]
    for host in sorted(folder.glob("algo-*")):
        found += [host / "code", host / "input" / "data", host / "model", host / "output" / "data"]
    return [path for path in found if path.exists() or path.is_symlink()]


def _size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def _overlaps(path: Path, keep: list[Path]) -> bool:
    return any(k == path or path in k.parents or k in path.parents for k in keep)


def prune(
    settings: Settings,
    *,
    older_than_days: float = 0.0,
    keep: Iterable[Path] = (),
    dry_run: bool = False,
) -> list[PrunedJob]:
    """Remove the working copies of training jobs that ended more than ``older_than_days``
    days ago; return what was (with ``dry_run``: would be) freed, job by job.

    Running jobs are never touched (a job whose supervisor died is reconciled first). A
    path is kept when one of ``keep`` (local files registered models and endpoints use)
    lies inside it or it lies inside one of them.
    """
    kept_paths = [Path(p).resolve() for p in keep]
    cutoff = time.time() - older_than_days * 86400.0
    pruned: list[PrunedJob] = []
    jobs = Catalog.open(settings).jobs(TRAINING)
    for record in jobs.list(limit=None):
        record = supervision.reconcile(settings, TRAINING, record)
        if not record.is_terminal or record.last_modified > cutoff:
            continue
        folder = supervision.job_dir(settings, TRAINING, record.name)
        if not folder.is_dir():
            continue
        result = PrunedJob(record.name)
        for path in _working_copies(folder):
            if _overlaps(path.resolve(), kept_paths):
                result.kept.append(path)
                continue
            result.freed_bytes += _size(path)
            result.paths.append(path)
            if not dry_run:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        if result.paths or result.kept:
            pruned.append(result)
    return pruned
