"""Catalog writes wait out a lock instead of failing with "database is locked" (issue 19,
finding 13)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import pytest

from sabio.catalog import Catalog, _engine
from sabio.exceptions import CatalogError
from sabio.training._kind import TRAINING

PROCESSES = 3
SUBMISSIONS_PER_PROCESS = 400


def _submitter(url: str, worker: int, barrier: Any, errors: Any) -> None:
    """What a submission writes: the record, the supervisor's claim, the outcome."""
    try:
        jobs = Catalog.from_url(url).jobs(TRAINING)
        barrier.wait(timeout=120)
        for i in range(SUBMISSIONS_PER_PROCESS):
            name = f"w{worker}-{i}"
            jobs.create(name, {"i": i}, status="InProgress", secondary_status="Starting")
            jobs.transition(name, "Completed", secondary_status="Completed")
    except BaseException:
        errors.put(f"worker {worker}: {traceback.format_exc()}")
        raise


@pytest.mark.slow
def test_catalog_submissions_from_many_processes_never_fail(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    Catalog.from_url(url)
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(PROCESSES)
    errors = ctx.Queue()
    workers = [
        ctx.Process(target=_submitter, args=(url, n, barrier, errors)) for n in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=300)
    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert reported == []
    assert [p.exitcode for p in workers] == [0] * PROCESSES
    total = PROCESSES * SUBMISSIONS_PER_PROCESS
    assert len(Catalog.from_url(url).jobs(TRAINING).list(limit=None)) == total


def _hold_write_lock(database: Path, seconds: float, held: threading.Event) -> None:
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    held.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def test_catalog_write_retries_past_sqlite_busy_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite answers "locked" after its busy timeout; a short one stands in for the cases
    # where it answers at once (WAL recovery, a checkpoint on close).
    monkeypatch.setattr(_engine, "_BUSY_TIMEOUT_MS", 20)
    database = tmp_path / "catalog.db"
    jobs = Catalog.from_url(f"sqlite:///{database}").jobs(TRAINING)
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(database, 1.0, held))
    holder.start()
    held.wait(10)
    jobs.create("after-lock", {}, status="InProgress")
    holder.join()
    assert jobs.get("after-lock").status == "InProgress"


def test_catalog_lock_held_past_bound_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_engine, "_BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(_engine, "LOCK_WAIT_SECONDS", 0.3)
    database = tmp_path / "catalog.db"
    jobs = Catalog.from_url(f"sqlite:///{database}").jobs(TRAINING)
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(database, 2.0, held))
    holder.start()
    held.wait(10)
    try:
        with pytest.raises(CatalogError, match="stayed locked") as caught:
            jobs.create("while-locked", {}, status="InProgress")
    finally:
        holder.join()
    assert "database is locked" not in str(caught.value).split("(")[0]
    assert not jobs.exists("while-locked")
