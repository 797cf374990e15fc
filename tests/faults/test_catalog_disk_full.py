"""A full catalog disk is a clear error, and a job whose supervisor cannot record its outcome
says why (issue 19, finding 11a)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from sabio.catalog import Catalog
from sabio.exceptions import CatalogError
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
