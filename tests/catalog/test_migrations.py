"""Migrations: the pinned head, the schema module mirroring them, SQLite settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

import sabio.catalog
from sabio.catalog import HEAD_REVISION, Catalog
from sabio.catalog._schema import metadata
from sabio.exceptions import ConfigError

MIGRATIONS = Path(sabio.catalog.__file__).with_name("migrations")


def test_head_revision_matches_alembic_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == [HEAD_REVISION]
    assert script.get_current_head() == HEAD_REVISION


def test_migrated_database_is_at_head(catalog: Catalog) -> None:
    with catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            HEAD_REVISION
        )
        tables = set(inspect(conn).get_table_names())
    assert {"training_jobs", "job_status_history", "metrics", "alembic_version"} <= tables


def test_schema_module_mirrors_migrations(catalog: Catalog) -> None:
    with catalog.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_sqlite_catalog_uses_wal(tmp_path: Path) -> None:
    catalog = Catalog.from_url(f"sqlite:///{tmp_path / 'catalog.db'}")
    with catalog.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    assert (tmp_path / "catalog.db").exists()


def test_sqlite_catalog_creates_missing_parent_folder(tmp_path: Path) -> None:
    catalog = Catalog.from_url(f"sqlite:///{tmp_path / 'a' / 'b' / 'catalog.db'}")
    catalog.create_training_job("job-1", {})
    assert (tmp_path / "a" / "b" / "catalog.db").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "cannot be parsed"), ("mysql://u@h/db", "Unsupported catalog database")],
)
def test_from_url_bad_url_raises_config_error(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Catalog.from_url(url)
