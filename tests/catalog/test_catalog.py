"""One API for every kind of job (here training jobs): CRUD, status transitions with history,
metrics, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
import time

import pytest
from sqlalchemy import event

from sabio.catalog import TERMINAL_STATUSES, Catalog, JobRecord, MetricRecord
from sabio.exceptions import ConflictError, NotFoundError
from sabio.training._kind import TRAINING
from sabio.tuning._kind import TUNING

SPEC = {"job_name": "job-1", "entry_point": "train.py", "hyperparameters": {"epochs": 2}}


def create(
    catalog: Catalog, name: str, spec: dict[str, object] = SPEC, **values: object
) -> JobRecord:
    """Record a training job as ``sabio.training.submit`` does."""
    return catalog.jobs(TRAINING).create(
        name,
        spec,
        status="InProgress",
        secondary_status="Starting",
        **values,  # type: ignore[arg-type]
    )


def test_create_training_job_starts_in_progress(catalog: Catalog) -> None:
    before = time.time()
    record = create(catalog, "job-1", SPEC)
    assert record.name == "job-1"
    assert (record.status, record.secondary_status) == ("InProgress", "Starting")
    assert record.spec == SPEC
    assert before <= record.created_at <= time.time()
    assert record.stop_requested is False
    assert not record.is_terminal


def test_create_training_job_duplicate_name_raises_conflict(catalog: Catalog) -> None:
    create(catalog, "job-1", SPEC)
    with pytest.raises(ConflictError, match="'job-1' already exists"):
        create(catalog, "job-1", {"other": True})
    assert catalog.jobs(TRAINING).get("job-1").spec == SPEC
    assert len(catalog.jobs(TRAINING).history("job-1")) == 1


def test_get_training_job_unknown_name_suggests_close_one(catalog: Catalog) -> None:
    create(catalog, "insurance-mlp-1", SPEC)
    with pytest.raises(NotFoundError, match="Did you mean 'insurance-mlp-1'"):
        catalog.jobs(TRAINING).get("insurance-mlp-11")
    with pytest.raises(LookupError, match="does not exist"):
        catalog.jobs(TRAINING).get("zzz")


def test_get_training_job_with_history_in_order(catalog: Catalog) -> None:
    create(catalog, "job-1", SPEC)
    assert catalog.jobs(TRAINING).transition(
        "job-1", "InProgress", secondary_status="Downloading", message="Downloading input data"
    )
    assert catalog.jobs(TRAINING).transition(
        "job-1", "InProgress", secondary_status="Training", message="Training", started_at=1.5
    )
    assert catalog.jobs(TRAINING).transition(
        "job-1", "Completed", secondary_status="Completed", message="Training job completed"
    )
    record = catalog.jobs(TRAINING).get("job-1", with_history=True)
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
    assert catalog.jobs(TRAINING).get("job-1").history == ()


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATUSES))
def test_transition_after_terminal_returns_false(catalog: Catalog, terminal: str) -> None:
    create(catalog, "job-1", SPEC)
    assert catalog.jobs(TRAINING).transition(
        "job-1", terminal, secondary_status=terminal, failure_reason="first"
    )
    ended = catalog.jobs(TRAINING).get("job-1", with_history=True)

    assert not catalog.jobs(TRAINING).transition("job-1", "InProgress", secondary_status="Training")
    assert not catalog.jobs(TRAINING).transition(
        "job-1", "Failed", secondary_status="Failed", failure_reason="second"
    )

    after = catalog.jobs(TRAINING).get("job-1", with_history=True)
    assert (after.status, after.failure_reason, after.ended_at) == (
        terminal,
        "first",
        ended.ended_at,
    )
    assert after.history == ended.history


def test_transition_unknown_job_returns_false(catalog: Catalog) -> None:
    assert not catalog.jobs(TRAINING).transition("nosuch", "Failed", secondary_status="Failed")


def test_request_stop_only_while_running(catalog: Catalog) -> None:
    create(catalog, "job-1", SPEC)
    assert catalog.jobs(TRAINING).request_stop("job-1")
    assert catalog.jobs(TRAINING).get("job-1").stop_requested is True
    catalog.jobs(TRAINING).transition("job-1", "Stopped", secondary_status="Stopped")
    assert not catalog.jobs(TRAINING).request_stop("job-1")


def test_update_training_job_sets_columns(catalog: Catalog) -> None:
    create(catalog, "job-1", SPEC)
    catalog.jobs(TRAINING).update(
        "job-1", supervisor_pid=1234, peak_rss_bytes=6 * 2**30, model_artifacts="s3://b/m"
    )
    record = catalog.jobs(TRAINING).get("job-1")
    assert (record.supervisor_pid, record.peak_rss_bytes) == (1234, 6 * 2**30)
    assert record.model_artifacts == "s3://b/m"
    assert record.status == "InProgress"


def test_update_rejects_status_and_unknown_columns(catalog: Catalog) -> None:
    create(catalog, "job-1", SPEC)
    with pytest.raises(ValueError, match="status"):
        catalog.jobs(TRAINING).update("job-1", status="Completed")
    with pytest.raises(ValueError, match="kind"):
        catalog.jobs(TRAINING).update("job-1", kind="tuning")
    with pytest.raises(ValueError, match="nosuch"):
        catalog.jobs(TRAINING).update("job-1", nosuch=1)
    with pytest.raises(NotFoundError):
        catalog.jobs(TRAINING).update("other", exit_code=1)


def test_list_training_jobs_newest_first_and_filtered(catalog: Catalog) -> None:
    for name in ("a-1", "b_1", "a-2", "b%2"):
        create(catalog, name, SPEC, parent="tune" if "b" in name else None)
        time.sleep(0.002)
    catalog.jobs(TRAINING).transition("a-1", "Completed", secondary_status="Completed")

    assert [r.name for r in catalog.jobs(TRAINING).list()] == ["b%2", "a-2", "b_1", "a-1"]
    assert [r.name for r in catalog.jobs(TRAINING).list(limit=2)] == ["b%2", "a-2"]
    assert [r.name for r in catalog.jobs(TRAINING).list(status="Completed")] == ["a-1"]
    assert [r.name for r in catalog.jobs(TRAINING).list(name_contains="%")] == ["b%2"]
    assert [r.name for r in catalog.jobs(TRAINING).list(name_contains="_")] == ["b_1"]
    assert [r.name for r in catalog.jobs(TRAINING).list(parent="tune")] == ["b%2", "b_1"]
    assert catalog.jobs(TRAINING).names() == ["b%2", "a-2", "b_1", "a-1"]


def test_delete_training_job_removes_history_and_metrics(catalog: Catalog) -> None:
    create(catalog, "job-1", SPEC)
    catalog.jobs(TRAINING).add_metrics("job-1", [{"name": "loss", "value": 1.0}])
    catalog.jobs(TRAINING).delete("job-1")
    with pytest.raises(NotFoundError):
        catalog.jobs(TRAINING).get("job-1")
    assert catalog.jobs(TRAINING).metrics("job-1") == []
    assert catalog.jobs(TRAINING).history("job-1") == []
    create(catalog, "job-1", SPEC)  # the name is free again


def test_add_metrics_is_one_batched_statement(catalog: Catalog) -> None:
    create(catalog, "job-1", SPEC)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "INSERT INTO metrics" in statement:
            statements.append(statement)

    event.listen(catalog.engine, "before_cursor_execute", count)
    try:
        added = catalog.jobs(TRAINING).add_metrics(
            "job-1", [{"name": "loss", "value": float(i), "step": i} for i in range(200)]
        )
    finally:
        event.remove(catalog.engine, "before_cursor_execute", count)
    assert added == 200
    assert len(statements) == 1
    assert len(catalog.jobs(TRAINING).metrics("job-1")) == 200


def test_add_metrics_empty_batch_returns_zero(catalog: Catalog) -> None:
    create(catalog, "job-1", SPEC)
    assert catalog.jobs(TRAINING).add_metrics("job-1", []) == 0


def test_get_metrics_in_reported_order_and_final_metrics(catalog: Catalog) -> None:
    create(catalog, "job-1", SPEC)
    create(catalog, "job-2", SPEC)
    catalog.jobs(TRAINING).add_metrics(
        "job-1",
        [
            {"name": "train:loss", "value": 3.0, "step": 0, "timestamp": 10.0},
            MetricRecord("job-1", "validation:auc", None, 0.7, 11.0),
            {"name": "train:loss", "value": 2.0, "step": 1, "timestamp": 12.0},
        ],
    )
    catalog.jobs(TRAINING).add_metrics("job-2", [{"name": "train:loss", "value": 99.0}])
    catalog.jobs(TRAINING).add_metrics(
        "job-1",
        [
            {"name": "train:loss", "value": 1.0, "step": 2, "timestamp": 13.0},
            {"name": "validation:auc", "value": None, "step": 3, "timestamp": 14.0},
        ],
    )

    got = catalog.jobs(TRAINING).metrics("job-1")
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
    assert [m.value for m in catalog.jobs(TRAINING).metrics("job-1", "train:loss")] == [
        3.0,
        2.0,
        1.0,
    ]

    final = catalog.jobs(TRAINING).final_metrics("job-1")
    assert final["train:loss"] == 1.0
    assert math.isnan(final["validation:auc"])
    assert catalog.jobs(TRAINING).final_metrics("job-2") == {"train:loss": 99.0}
    assert catalog.jobs(TRAINING).final_metrics("nosuch") == {}


def test_from_url_same_database_twice_keeps_data(catalog_url: str) -> None:
    first = Catalog.from_url(catalog_url)
    create(first, "job-1", SPEC)
    second = Catalog.from_url(catalog_url)
    assert second.jobs(TRAINING).get("job-1").spec == SPEC


def test_records_of_different_kinds_share_a_name_but_not_their_data(catalog: Catalog) -> None:
    create(catalog, "same")
    catalog.jobs(TRAINING).add_metrics("same", [{"name": "loss", "value": 1.0}])
    catalog.jobs(TUNING).create("same", {"Strategy": "Random"}, status="InProgress")
    catalog.jobs(TUNING).transition("same", "Completed")
    assert catalog.jobs(TRAINING).get("same").status == "InProgress"
    assert catalog.jobs(TUNING).metrics("same") == []
    assert [e.status for e in catalog.jobs(TUNING).history("same")] == ["InProgress", "Completed"]
    catalog.jobs(TUNING).delete("same")
    assert catalog.jobs(TRAINING).final_metrics("same") == {"loss": 1.0}
