"""A workspace made by a newer sabio and a workspace whose catalog was deleted are refused
with a message saying what to do (issue 19, findings 11b and 11c)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sabio._config import load_settings
from sabio.catalog import HEAD_REVISION, Catalog
from sabio.catalog._catalog import _MIGRATED
from sabio.exceptions import CatalogError


def _settings(home: Path, **env: str):  # type: ignore[no-untyped-def]
    return load_settings(env={"SABIO_HOME": str(home), **env})


def test_workspace_from_newer_sabio_names_both_versions(tmp_path: Path) -> None:
    database = tmp_path / "catalog.db"
    Catalog.from_url(f"sqlite:///{database}").engine.dispose()
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")
    _MIGRATED.discard(f"sqlite:///{database}")
    with pytest.raises(CatalogError) as caught:
        Catalog.from_url(f"sqlite:///{database}")
    message = str(caught.value)
    assert "newer sabio" in message
    assert "'0999'" in message
    assert repr(HEAD_REVISION) in message
    assert "pip install -U sabio" in message
    assert "Traceback" not in message
    with sqlite3.connect(database) as conn:  # left as it was
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0999",)


def test_deleted_catalog_next_to_job_folders_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    job = home / "jobs" / "insurance-1"
    job.mkdir(parents=True)
    (job / "spec.json").write_text("{}")
    settings = _settings(home)
    with pytest.raises(CatalogError) as caught:
        Catalog.open(settings)
    message = str(caught.value)
    assert "is missing" in message
    assert str(job) in message
    assert "SABIO_ALLOW_NEW_CATALOG=1" in message
    assert not (home / "catalog.db").exists()


def test_deleted_catalog_accepted_on_purpose(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    job = home / "jobs" / "insurance-1"
    job.mkdir(parents=True)
    (job / "logs.txt").write_text("old job\n")
    settings = _settings(home, SABIO_ALLOW_NEW_CATALOG="1")
    catalog = Catalog.open(settings)
    assert (home / "catalog.db").exists()
    catalog.engine.dispose()
    # Once it exists, it opens without the setting.
    Catalog.open(_settings(home)).engine.dispose()


def test_fresh_workspace_with_only_uploaded_data_is_fine(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    (home / "store" / "bucket").mkdir(parents=True)
    (home / "store" / "bucket" / "spec.json").write_text("{}")  # data, not a job
    Catalog.open(_settings(home)).engine.dispose()
    assert (home / "catalog.db").exists()
