"""The one job repository bound to other kinds: tuning jobs, models, endpoints, transform jobs."""

from __future__ import annotations

import multiprocessing

import pytest

from sabio.catalog import Catalog
from sabio.exceptions import ConflictError, NotFoundError
from sabio.inference._kind import MODEL
from sabio.serving._kind import ENDPOINT
from sabio.transform._kind import TRANSFORM
from sabio.tuning._kind import TUNING


def test_resources_create_then_get_returns_the_record(catalog: Catalog) -> None:
    record = catalog.jobs(TUNING).create(
        "tune-1", {"Strategy": "Bayesian"}, status="InProgress", details={"Completed": 0}
    )
    assert record.name == "tune-1"
    assert record.status == "InProgress"
    assert record.spec == {"Strategy": "Bayesian"}
    assert record.details == {"Completed": 0}
    assert not record.stop_requested
    assert catalog.jobs(TUNING).get("tune-1") == record
    assert catalog.jobs(TUNING).exists("tune-1")


def test_resources_duplicate_name_raises_conflict(catalog: Catalog) -> None:
    catalog.jobs(ENDPOINT).create("ep", {}, status="Creating")
    with pytest.raises(ConflictError, match="Endpoint 'ep' already exists"):
        catalog.jobs(ENDPOINT).create("ep", {}, status="Creating")


def test_resources_kinds_have_separate_names(catalog: Catalog) -> None:
    catalog.jobs(MODEL).create("same", {}, status="Created")
    catalog.jobs(ENDPOINT).create("same", {}, status="Creating")
    assert not catalog.jobs(TRANSFORM).exists("same")


def test_resources_get_unknown_name_suggests_close_one(catalog: Catalog) -> None:
    catalog.jobs(ENDPOINT).create("cancer-endpoint", {}, status="InService")
    with pytest.raises(NotFoundError, match="Did you mean 'cancer-endpoint'") as info:
        catalog.jobs(ENDPOINT).get("cancer-endpont")
    assert "sabio endpoints list" in str(info.value)


def test_resources_update_merges_details(catalog: Catalog) -> None:
    catalog.jobs(TUNING).create("t", {}, status="InProgress", details={"a": 1, "b": 1})
    catalog.jobs(TUNING).update("t", details={"b": 2, "c": 3}, supervisor_pid=42)
    record = catalog.jobs(TUNING).get("t")
    assert record.details == {"a": 1, "b": 2, "c": 3}
    assert record.supervisor_pid == 42


def test_resources_update_refuses_status_and_unknown_columns(catalog: Catalog) -> None:
    catalog.jobs(MODEL).create("m", {}, status="Created")
    with pytest.raises(ValueError, match="status"):
        catalog.jobs(MODEL).update("m", status="x")
    with pytest.raises(ValueError, match="nope"):
        catalog.jobs(MODEL).update("m", nope=1)
    with pytest.raises(NotFoundError):
        catalog.jobs(MODEL).update("missing", supervisor_pid=1)


def test_resources_transition_is_refused_after_terminal_status(catalog: Catalog) -> None:
    jobs = catalog.jobs(TRANSFORM)
    jobs.create("tr", {}, status="InProgress")
    assert jobs.transition("tr", "Completed", details={"rows": 10})
    record = jobs.get("tr")
    assert record.ended_at is not None
    assert record.details == {"rows": 10}
    assert not jobs.transition("tr", "Failed", failure_reason="late")
    assert jobs.get("tr").status == "Completed"
    assert not jobs.request_stop("tr")


def test_resources_transition_only_from_guards_the_current_status(catalog: Catalog) -> None:
    catalog.jobs(ENDPOINT).create("ep", {}, status="Creating")
    assert not catalog.jobs(ENDPOINT).transition("ep", "Updating", only_from=["InService"])
    assert catalog.jobs(ENDPOINT).transition("ep", "InService", only_from=["Creating"])
    # Endpoints have no terminal status: a failed endpoint can be updated again.
    assert catalog.jobs(ENDPOINT).transition("ep", "Failed", failure_reason="died")
    assert catalog.jobs(ENDPOINT).transition("ep", "Updating")


def test_resources_list_filters_and_orders_newest_first(catalog: Catalog) -> None:
    for name, status in [("a-1", "Completed"), ("a-2", "InProgress"), ("b-1", "InProgress")]:
        catalog.jobs(TUNING).create(name, {}, status=status)
    names = [r.name for r in catalog.jobs(TUNING).list()]
    assert names == ["b-1", "a-2", "a-1"]
    assert [r.name for r in catalog.jobs(TUNING).list(status="InProgress")] == [
        "b-1",
        "a-2",
    ]
    assert [r.name for r in catalog.jobs(TUNING).list(name_contains="a-")] == ["a-2", "a-1"]
    assert len(catalog.jobs(TUNING).list(limit=1)) == 1


def test_resources_heartbeat_stop_and_delete(catalog: Catalog) -> None:
    catalog.jobs(TUNING).create("t", {}, status="InProgress")
    catalog.jobs(TUNING).heartbeat("t")
    assert catalog.jobs(TUNING).get("t").heartbeat_at is not None
    assert catalog.jobs(TUNING).request_stop("t")
    assert catalog.jobs(TUNING).get("t").stop_requested
    assert catalog.jobs(TUNING).delete("t")
    assert not catalog.jobs(TUNING).delete("t")


def _merge(url: str, worker: int) -> None:
    catalog = Catalog.from_url(url)
    for i in range(20):
        catalog.jobs(TUNING).update("t", details={f"w{worker}-{i}": i})


def test_resources_concurrent_detail_merges_lose_nothing(catalog: Catalog) -> None:
    catalog.jobs(TUNING).create("t", {}, status="InProgress")
    url = catalog.engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_merge, args=(url, w)) for w in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    assert len(catalog.jobs(TUNING).get("t").details) == 60
