"""A full catalog disk is a clear error, and a job whose supervisor cannot record its outcome
says why (issue 19, finding 11a)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.exceptions import CatalogError
from sabio.supervision import Program, describe, job_dir
from sabio.supervision._program import run_job
from sabio.training._kind import TRAINING


def _cap_size(catalog: Catalog, pages: int) -> None:
    """SQLite answers SQLITE_FULL ("database or disk is full") past ``max_page_count``, as
    it does when the disk is full."""

    @event.listens_for(catalog.engine, "connect")
    def _cap(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")


def test_catalog_disk_full_is_clear_error(tmp_path: Path) -> None:
    database = tmp_path / "catalog.db"
    catalog = Catalog.from_url(f"sqlite:///{database}")
    jobs = catalog.jobs(TRAINING)
    with sqlite3.connect(database) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    _cap_size(catalog, pages + 2)
    with pytest.raises(CatalogError) as caught:
        for i in range(50):
            jobs.create(f"big-{i}", {"blob": "x" * 20_000}, status="InProgress")
    message = str(caught.value)
    assert f"The catalog's disk is full: free space under {tmp_path}" in message
    assert "OperationalError" not in type(caught.value).__name__
    catalog.engine.dispose()


class _FullCatalogProgram(Program):
    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        raise CatalogError("The catalog's disk is full: free space under /somewhere")


def test_supervisor_unable_to_record_outcome_leaves_reason(sabio_home: Path) -> None:
    settings = load_settings()
    jobs = Catalog.open(settings).jobs(TRAINING)
    jobs.create("full-disk", {}, status="InProgress", secondary_status="Training")
    folder = job_dir(settings, TRAINING, "full-disk")
    folder.mkdir(parents=True)
    assert run_job(_FullCatalogProgram(), folder) == 1
    # The supervisor is gone (a pid that no longer runs): the next read reconciles it.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    jobs.update("full-disk", supervisor_pid=dead.pid, heartbeat_at=0.0)
    record = describe(settings, TRAINING, "full-disk")
    assert record.status == "Failed"
    assert record.failure_reason == (
        "ClientError: The catalog's disk is full: free space under /somewhere"
    )
