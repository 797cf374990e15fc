"""The generic lifecycle repositories: tuning jobs, models, endpoints, transform jobs."""

from __future__ import annotations

import multiprocessing

import pytest

from sabio.catalog import Catalog
from sabio.exceptions import ConflictError, NotFoundError


def test_resources_create_then_get_returns_the_record(catalog: Catalog) -> None:
    record = catalog.tuning_jobs.create(
        "tune-1", {"Strategy": "Bayesian"}, status="InProgress", details={"Completed": 0}
    )
    assert record.name == "tune-1"
    assert record.status == "InProgress"
    assert record.spec == {"Strategy": "Bayesian"}
    assert record.details == {"Completed": 0}
    assert not record.stop_requested
    assert catalog.tuning_jobs.get("tune-1") == record
    assert catalog.tuning_jobs.exists("tune-1")


def test_resources_duplicate_name_raises_conflict(catalog: Catalog) -> None:
    catalog.endpoints.create("ep", {}, status="Creating")
    with pytest.raises(ConflictError, match="Endpoint 'ep' already exists"):
        catalog.endpoints.create("ep", {}, status="Creating")


def test_resources_kinds_are_separate_tables(catalog: Catalog) -> None:
    catalog.models.create("same", {}, status="Created")
    catalog.endpoints.create("same", {}, status="Creating")
    assert not catalog.transform_jobs.exists("same")


def test_resources_get_unknown_name_suggests_close_one(catalog: Catalog) -> None:
    catalog.endpoints.create("cancer-endpoint", {}, status="InService")
    with pytest.raises(NotFoundError, match="Did you mean 'cancer-endpoint'") as info:
        catalog.endpoints.get("cancer-endpont")
    assert "sabio endpoints list" in str(info.value)


def test_resources_update_merges_details(catalog: Catalog) -> None:
    catalog.tuning_jobs.create("t", {}, status="InProgress", details={"a": 1, "b": 1})
    catalog.tuning_jobs.update("t", details={"b": 2, "c": 3}, supervisor_pid=42)
    record = catalog.tuning_jobs.get("t")
    assert record.details == {"a": 1, "b": 2, "c": 3}
    assert record.supervisor_pid == 42


def test_resources_update_refuses_status_and_unknown_columns(catalog: Catalog) -> None:
    catalog.models.create("m", {}, status="Created")
    with pytest.raises(ValueError, match="status"):
        catalog.models.update("m", status="x")
    with pytest.raises(ValueError, match="nope"):
        catalog.models.update("m", nope=1)
    with pytest.raises(NotFoundError):
        catalog.models.update("missing", supervisor_pid=1)


def test_resources_transition_is_refused_after_terminal_status(catalog: Catalog) -> None:
    jobs = catalog.transform_jobs
    jobs.create("tr", {}, status="InProgress")
    assert jobs.transition("tr", "Completed", details={"rows": 10})
    record = jobs.get("tr")
    assert record.ended_at is not None
    assert record.details == {"rows": 10}
    assert not jobs.transition("tr", "Failed", failure_reason="late")
    assert jobs.get("tr").status == "Completed"
    assert not jobs.request_stop("tr")


def test_resources_transition_only_from_guards_the_current_status(catalog: Catalog) -> None:
    catalog.endpoints.create("ep", {}, status="Creating")
    assert not catalog.endpoints.transition("ep", "Updating", only_from=["InService"])
    assert catalog.endpoints.transition("ep", "InService", only_from=["Creating"])
    # Endpoints have no terminal status: a failed endpoint can be updated again.
    assert catalog.endpoints.transition("ep", "Failed", failure_reason="died")
    assert catalog.endpoints.transition("ep", "Updating")


def test_resources_list_filters_and_orders_newest_first(catalog: Catalog) -> None:
    for name, status in [("a-1", "Completed"), ("a-2", "InProgress"), ("b-1", "InProgress")]:
        catalog.tuning_jobs.create(name, {}, status=status)
    names = [r.name for r in catalog.tuning_jobs.list_records()]
    assert names == ["b-1", "a-2", "a-1"]
    assert [r.name for r in catalog.tuning_jobs.list_records(status="InProgress")] == [
        "b-1",
        "a-2",
    ]
    assert [r.name for r in catalog.tuning_jobs.list_records(name_contains="a-")] == ["a-2", "a-1"]
    assert len(catalog.tuning_jobs.list_records(limit=1)) == 1


def test_resources_heartbeat_stop_and_delete(catalog: Catalog) -> None:
    catalog.tuning_jobs.create("t", {}, status="InProgress")
    catalog.tuning_jobs.heartbeat("t")
    assert catalog.tuning_jobs.get("t").heartbeat_at is not None
    assert catalog.tuning_jobs.request_stop("t")
    assert catalog.tuning_jobs.get("t").stop_requested
    assert catalog.tuning_jobs.delete("t")
    assert not catalog.tuning_jobs.delete("t")


def _merge(url: str, worker: int) -> None:
    catalog = Catalog.from_url(url)
    for i in range(20):
        catalog.tuning_jobs.update("t", details={f"w{worker}-{i}": i})


def test_resources_concurrent_detail_merges_lose_nothing(catalog: Catalog) -> None:
    catalog.tuning_jobs.create("t", {}, status="InProgress")
    url = catalog.engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_merge, args=(url, w)) for w in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    assert len(catalog.tuning_jobs.get("t").details) == 60
