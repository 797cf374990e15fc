"""Migrations: the pinned head, the schema module mirroring them, SQLite settings."""

from __future__ import annotations

import shutil
import sqlite3
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
from sabio.inference import MODEL, ModelSpec
from sabio.serving import EndpointSpec
from sabio.serving._kind import ENDPOINT
from sabio.training._kind import TRAINING
from sabio.transform._kind import TRANSFORM
from sabio.tuning._kind import TUNING

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
    assert {"jobs", "job_status_history", "metrics", "alembic_version"} <= tables


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
    catalog.jobs(TRAINING).create("job-1", {}, status="InProgress")
    assert (tmp_path / "a" / "b" / "catalog.db").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "cannot be parsed"), ("mysql://u@h/db", "Unsupported catalog database")],
)
def test_from_url_bad_url_raises_config_error(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Catalog.from_url(url)


DATA = Path(__file__).with_name("data")


def _legacy_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY name").fetchall()
            for table in ("training_jobs", "tuning_jobs", "models", "endpoints", "transform_jobs")
        } | {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("job_status_history", "metrics")
        }


def test_workspace_of_revision_0002_migrates_intact(tmp_path: Path) -> None:
    """A catalog written by the previous release (``data/make_workspace_0002.py``) keeps every
    job, trial, metric, status change, model and endpoint."""
    path = tmp_path / "catalog.db"
    shutil.copyfile(DATA / "catalog-0002.db", path)
    legacy = _legacy_rows(path)
    assert legacy["training_jobs"] and legacy["metrics"] and legacy["endpoints"]

    catalog = Catalog.from_url(f"sqlite:///{path}")
    training = catalog.jobs(TRAINING)
    migrated = {r.name: r for r in training.list(limit=None)}
    assert sorted(migrated) == [row[0] for row in legacy["training_jobs"]]
    for row in legacy["training_jobs"]:
        record = migrated[row[0]]
        assert (record.status, record.secondary_status, record.failure_reason) == row[1:4]
        assert record.parent == row[5]
        assert (record.exit_code, record.model_artifacts, record.output_data) == row[14:17]
        assert record.created_at == row[6]
    legacy_tune = legacy["tuning_jobs"][0]
    trials = training.list(parent=str(legacy_tune[0]), limit=None)
    assert len(trials) == 2
    assert catalog.jobs(TUNING).get(str(legacy_tune[0])).status == legacy_tune[1]

    for row in legacy["job_status_history"]:
        history = training.history(str(row[1]))
        assert (row[2], row[3], row[4], row[5]) in [
            (e.status, e.secondary_status, e.message, e.timestamp) for e in history
        ]
    total = sum(len(training.metrics(name)) for name in migrated)
    assert total == len(legacy["metrics"])
    first = legacy["metrics"][0]
    assert (first[2], first[4]) in [(m.name, m.value) for m in training.metrics(str(first[1]))]

    for table, kind in (("models", MODEL), ("transform_jobs", TRANSFORM)):
        for row in legacy[table]:
            record = catalog.jobs(kind).get(str(row[0]))
            assert (record.status, record.created_at) == (row[1], row[5])
    for row in legacy["models"]:  # retyped
        model = ModelSpec.model_validate(catalog.jobs(MODEL).get(str(row[0])).spec)
        assert model.model_name == row[0]
        assert model.builtin_module == "sabio.algorithms.xgboost"
        assert model.model_data_url and model.model_data_url.endswith("/model.tar.gz")
    endpoint = catalog.jobs(ENDPOINT).get(str(legacy["endpoints"][0][0]))
    assert endpoint.status == "InService"
    assert endpoint.details["Url"].startswith("http://127.0.0.1:")
    spec = EndpointSpec.model_validate(endpoint.spec)  # retyped
    assert (spec.endpoint_name, spec.instance_count) == (endpoint.name, 1)

    # New rows get new ids, and new jobs work as usual.
    training.add_metrics(str(first[1]), [{"name": "late", "value": 1.0}])
    assert training.metrics(str(first[1]), "late")[0].value == 1.0
    training.create("after-upgrade", {}, status="InProgress", secondary_status="Starting")
    assert training.get("after-upgrade", with_history=True).history[0].status == "InProgress"
