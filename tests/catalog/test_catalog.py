"""Catalog CRUD, status transitions and metrics, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
import time

import pytest
from sqlalchemy import event

from sabio.catalog import TERMINAL_STATUSES, Catalog, MetricRecord
from sabio.exceptions import ConflictError, NotFoundError

SPEC = {"job_name": "job-1", "entry_point": "train.py", "hyperparameters": {"epochs": 2}}


def test_create_training_job_starts_in_progress(catalog: Catalog) -> None:
    before = time.time()
    record = catalog.create_training_job("job-1", SPEC)
    assert record.name == "job-1"
    assert (record.status, record.secondary_status) == ("InProgress", "Starting")
    assert record.spec == SPEC
    assert before <= record.created_at <= time.time()
    assert record.stop_requested is False
    assert not record.is_terminal


def test_create_training_job_duplicate_name_raises_conflict(catalog: Catalog) -> None:
    catalog.create_training_job("job-1", SPEC)
    with pytest.raises(ConflictError, match="'job-1' already exists"):
        catalog.create_training_job("job-1", {"other": True})
    assert catalog.get_training_job("job-1").spec == SPEC
    assert len(catalog.status_history("job-1")) == 1


def test_get_training_job_unknown_name_suggests_close_one(catalog: Catalog) -> None:
    catalog.create_training_job("insurance-mlp-1", SPEC)
    with pytest.raises(NotFoundError, match="Did you mean 'insurance-mlp-1'"):
        catalog.get_training_job("insurance-mlp-11")
    with pytest.raises(LookupError, match="does not exist"):
        catalog.get_training_job("zzz")


def test_get_training_job_with_history_in_order(catalog: Catalog) -> None:
    catalog.create_training_job("job-1", SPEC)
    assert catalog.transition("job-1", "InProgress", "Downloading", "Downloading input data")
    assert catalog.transition("job-1", "InProgress", "Training", "Training", started_at=1.5)
    assert catalog.transition("job-1", "Completed", "Completed", "Training job completed")
    record = catalog.get_training_job("job-1", with_history=True)
    assert [e.secondary_status for e in record.history] == [
        "Starting",
        "Downloading",
        "Training",
        "Completed",
    ]
    assert record.history[1].message == "Downloading input data"
    stamps = [e.timestamp for e in record.history]
    assert stamps == sorted(stamps)
    assert record.status == "Completed"
    assert record.started_at == 1.5
    assert record.ended_at is not None and record.ended_at >= stamps[0]
    assert record.is_terminal
    assert catalog.get_training_job("job-1").history == ()


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATUSES))
def test_transition_after_terminal_returns_false(catalog: Catalog, terminal: str) -> None:
    catalog.create_training_job("job-1", SPEC)
    assert catalog.transition("job-1", terminal, terminal, failure_reason="first")
    ended = catalog.get_training_job("job-1", with_history=True)

    assert not catalog.transition("job-1", "InProgress", "Training")
    assert not catalog.transition("job-1", "Failed", "Failed", failure_reason="second")

    after = catalog.get_training_job("job-1", with_history=True)
    assert (after.status, after.failure_reason, after.ended_at) == (
        terminal,
        "first",
        ended.ended_at,
    )
    assert after.history == ended.history


def test_transition_unknown_job_returns_false(catalog: Catalog) -> None:
    assert not catalog.transition("nosuch", "Failed", "Failed")


def test_request_stop_only_while_running(catalog: Catalog) -> None:
    catalog.create_training_job("job-1", SPEC)
    assert catalog.request_stop("job-1")
    assert catalog.get_training_job("job-1").stop_requested is True
    catalog.transition("job-1", "Stopped", "Stopped")
    assert not catalog.request_stop("job-1")


def test_update_training_job_sets_columns(catalog: Catalog) -> None:
    catalog.create_training_job("job-1", SPEC)
    catalog.update_training_job(
        "job-1", supervisor_pid=1234, peak_rss_bytes=6 * 2**30, model_artifacts="s3://b/m"
    )
    record = catalog.get_training_job("job-1")
    assert (record.supervisor_pid, record.peak_rss_bytes) == (1234, 6 * 2**30)
    assert record.model_artifacts == "s3://b/m"
    assert record.status == "InProgress"


def test_update_training_job_rejects_status_and_unknown_columns(catalog: Catalog) -> None:
    catalog.create_training_job("job-1", SPEC)
    with pytest.raises(ValueError, match="status"):
        catalog.update_training_job("job-1", status="Completed")
    with pytest.raises(ValueError, match="nosuch"):
        catalog.update_training_job("job-1", nosuch=1)
    with pytest.raises(NotFoundError):
        catalog.update_training_job("other", exit_code=1)


def test_list_training_jobs_newest_first_and_filtered(catalog: Catalog) -> None:
    for name in ("a-1", "b_1", "a-2", "b%2"):
        catalog.create_training_job(name, SPEC, tuning_job_name="tune" if "b" in name else None)
        time.sleep(0.002)
    catalog.transition("a-1", "Completed", "Completed")

    assert [r.name for r in catalog.list_training_jobs()] == ["b%2", "a-2", "b_1", "a-1"]
    assert [r.name for r in catalog.list_training_jobs(limit=2)] == ["b%2", "a-2"]
    assert [r.name for r in catalog.list_training_jobs(status="Completed")] == ["a-1"]
    assert [r.name for r in catalog.list_training_jobs(name_contains="%")] == ["b%2"]
    assert [r.name for r in catalog.list_training_jobs(name_contains="_")] == ["b_1"]
    assert [r.name for r in catalog.list_training_jobs(tuning_job_name="tune")] == ["b%2", "b_1"]
    assert catalog.names() == ["b%2", "a-2", "b_1", "a-1"]


def test_delete_training_job_removes_history_and_metrics(catalog: Catalog) -> None:
    catalog.create_training_job("job-1", SPEC)
    catalog.add_metrics("job-1", [{"name": "loss", "value": 1.0}])
    catalog.delete_training_job("job-1")
    with pytest.raises(NotFoundError):
        catalog.get_training_job("job-1")
    assert catalog.get_metrics("job-1") == []
    assert catalog.status_history("job-1") == []
    catalog.create_training_job("job-1", SPEC)  # the name is free again


def test_add_metrics_is_one_batched_statement(catalog: Catalog) -> None:
    catalog.create_training_job("job-1", SPEC)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "INSERT INTO metrics" in statement:
            statements.append(statement)

    event.listen(catalog.engine, "before_cursor_execute", count)
    try:
        added = catalog.add_metrics(
            "job-1", [{"name": "loss", "value": float(i), "step": i} for i in range(200)]
        )
    finally:
        event.remove(catalog.engine, "before_cursor_execute", count)
    assert added == 200
    assert len(statements) == 1
    assert len(catalog.get_metrics("job-1")) == 200


def test_add_metrics_empty_batch_returns_zero(catalog: Catalog) -> None:
    catalog.create_training_job("job-1", SPEC)
    assert catalog.add_metrics("job-1", []) == 0


def test_get_metrics_in_reported_order_and_final_metrics(catalog: Catalog) -> None:
    catalog.create_training_job("job-1", SPEC)
    catalog.create_training_job("job-2", SPEC)
    catalog.add_metrics(
        "job-1",
        [
            {"name": "train:loss", "value": 3.0, "step": 0, "timestamp": 10.0},
            MetricRecord("job-1", "validation:auc", None, 0.7, 11.0),
            {"name": "train:loss", "value": 2.0, "step": 1, "timestamp": 12.0},
        ],
    )
    catalog.add_metrics("job-2", [{"name": "train:loss", "value": 99.0}])
    catalog.add_metrics(
        "job-1",
        [
            {"name": "train:loss", "value": 1.0, "step": 2, "timestamp": 13.0},
            {"name": "validation:auc", "value": None, "step": 3, "timestamp": 14.0},
        ],
    )

    got = catalog.get_metrics("job-1")
    assert [(m.name, m.step, m.timestamp) for m in got] == [
        ("train:loss", 0, 10.0),
        ("validation:auc", None, 11.0),
        ("train:loss", 1, 12.0),
        ("train:loss", 2, 13.0),
        ("validation:auc", 3, 14.0),
    ]
    assert [m.value for m in got[:4]] == [3.0, 0.7, 2.0, 1.0]
    assert math.isnan(got[4].value)  # a missing value reads back as NaN
    assert all(m.job_name == "job-1" for m in got)
    assert [m.value for m in catalog.get_metrics("job-1", "train:loss")] == [3.0, 2.0, 1.0]

    final = catalog.final_metrics("job-1")
    assert final["train:loss"] == 1.0
    assert math.isnan(final["validation:auc"])
    assert catalog.final_metrics("job-2") == {"train:loss": 99.0}
    assert catalog.final_metrics("nosuch") == {}


def test_from_url_same_database_twice_keeps_data(catalog_url: str) -> None:
    first = Catalog.from_url(catalog_url)
    first.create_training_job("job-1", SPEC)
    second = Catalog.from_url(catalog_url)
    assert second.get_training_job("job-1").spec == SPEC
