"""Many processes writing one SQLite catalog at once never see "database is locked"."""

from __future__ import annotations

import multiprocessing
import traceback
from pathlib import Path
from typing import Any

from sabio.catalog import Catalog
from sabio.training._kind import TRAINING

PROCESSES = 8
JOBS_PER_PROCESS = 10  # 5 write transactions each: 50 transactions per process


def _writer(url: str, worker: int, barrier: Any, errors: Any) -> None:
    """Run ``JOBS_PER_PROCESS`` job lifecycles (5 transactions each) against ``url``."""
    try:
        jobs = Catalog.from_url(url).jobs(TRAINING)
        barrier.wait(timeout=120)
        for i in range(JOBS_PER_PROCESS):
            name = f"w{worker}-job-{i}"
            jobs.create(
                name, {"worker": worker, "i": i}, status="InProgress", secondary_status="Starting"
            )
            jobs.transition(name, "InProgress", secondary_status="Downloading")
            jobs.transition(name, "InProgress", secondary_status="Training", started_at=1.0)
            jobs.add_metrics(
                name, [{"name": "loss", "value": float(step), "step": step} for step in range(3)]
            )
            jobs.transition(name, "Completed", secondary_status="Completed")
    except BaseException:
        errors.put(f"worker {worker}: {traceback.format_exc()}")
        raise


def test_catalog_concurrent_writers_never_locked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    Catalog.from_url(url)  # migrate once up front, as the SDK does before starting jobs
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    errors = ctx.Queue()
    workers = [
        ctx.Process(target=_writer, args=(url, n, barrier, errors)) for n in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=240)

    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert reported == []
    assert [p.exitcode for p in workers] == [0] * PROCESSES

    catalog = Catalog.from_url(url)
    records = catalog.jobs(TRAINING).list(limit=None)
    assert len(records) == PROCESSES * JOBS_PER_PROCESS
    assert {r.status for r in records} == {"Completed"}
    sample = catalog.jobs(TRAINING).get(f"w7-job-{JOBS_PER_PROCESS - 1}", with_history=True)
    assert [e.secondary_status for e in sample.history] == [
        "Starting",
        "Downloading",
        "Training",
        "Completed",
    ]
    total = sum(len(catalog.jobs(TRAINING).metrics(r.name)) for r in records)
    assert total == PROCESSES * JOBS_PER_PROCESS * 3
