"""The scheduler as a real supervised process: a rate schedule, a data-arrival trigger, and
two schedulers that never start a run twice."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests._wait import wait_until

from sabio import processing_jobs, supervision
from sabio._config import Settings, load_settings
from sabio.catalog import Catalog
from sabio.exceptions import ConflictError
from sabio.processing_jobs import PROCESSING
from sabio.scheduling import (
    SCHEDULER,
    create_schedule,
    list_runs,
    running_schedulers,
    start_scheduler,
    stop_scheduler,
)
from sabio.storage import Store


@pytest.fixture
def settings(sabio_home: Path) -> Iterator[Settings]:
    settings = load_settings()
    Store(settings).create_bucket("bucket")
    yield settings
    stop_scheduler(settings)
    for record in Catalog.open(settings).jobs(PROCESSING).list(limit=None):
        processing_jobs.wait(settings, record.name, timeout=120)


def _request(tmp: Path) -> dict[str, Any]:
    script = tmp / "job.py"
    script.write_text("import os\nprint('trigger', os.environ['SABIO_TRIGGER'], flush=True)\n")
    return {
        "ProcessingJobName": "scheduled",
        "AppSpecification": {
            "ImageUri": "sabio/script",
            "ContainerEntrypoint": ["python3", str(script)],
        },
    }


def _runs(settings: Settings, name: str, count: int) -> list[Any]:
    return wait_until(  # type: ignore[no-any-return]
        lambda: (
            len(runs := [r for r in list_runs(settings, name) if r.status != "Starting"]) >= count
            and runs
        ),
        timeout=90,
        what=f"{count} run(s) of {name}",
    )


def test_scheduler_fires_a_rate_schedule_and_a_data_arrival_trigger(
    settings: Settings, tmp_path: Path
) -> None:
    request = _request(tmp_path)
    # rate(1 minute) from 57 s ago: the first occurrence is due in about 3 s.
    create_schedule(
        settings,
        "minutely",
        processing_job=request,
        expression="rate(1 minute)",
        start_date=time.time() - 57,
    )
    create_schedule(
        settings,
        "arrivals",
        processing_job=request,
        trigger_prefix="s3://bucket/incoming/",
        parameter_name="InputDataUri",
    )
    name = start_scheduler(settings, poll_seconds=0.5)
    assert [r.name for r in running_schedulers(settings)] == [name]
    with pytest.raises(ConflictError, match="already running"):
        start_scheduler(settings)
    Store(settings).put_bytes("s3://bucket/incoming/claims-1.csv", b"1,2\n")
    (timed,) = _runs(settings, "minutely", 1)
    (arrived,) = _runs(settings, "arrivals", 1)
    assert timed.status == arrived.status == "Started"
    assert timed.scheduler == arrived.scheduler == name
    for run in (timed, arrived):
        record = processing_jobs.wait(settings, run.target_run, timeout=120)
        assert record.status == "Completed", record.failure_reason
    assert arrived.occurrence == "s3://bucket/incoming/claims-1.csv"
    environment = Catalog.open(settings).jobs(PROCESSING).get(arrived.target_run).spec
    assert environment["environment"]["InputDataUri"] == "s3://bucket/incoming/claims-1.csv"
    log = (supervision.job_dir(settings, SCHEDULER, name) / "logs.txt").read_text()
    assert f"started {arrived.target_run}" in log
    assert stop_scheduler(settings) == [name]
    assert Catalog.open(settings).jobs(SCHEDULER).get(name).status == "Stopped"


def test_two_schedulers_start_each_run_once(settings: Settings, tmp_path: Path) -> None:
    request = _request(tmp_path)
    create_schedule(
        settings,
        "arrivals",
        processing_job=request,
        trigger_prefix="s3://bucket/incoming/",
        parameter_name="InputDataUri",
    )
    create_schedule(
        settings,
        "minutely",
        processing_job=request,
        expression="rate(1 minute)",
        start_date=time.time() - 58,
    )
    first = start_scheduler(settings, poll_seconds=0.2)
    second = start_scheduler(settings, poll_seconds=0.2, exclusive=False)
    assert {r.name for r in running_schedulers(settings)} == {first, second}
    store = Store(settings)
    for index in range(4):
        store.put_bytes(f"s3://bucket/incoming/part-{index}.csv", b"x")
    runs = _runs(settings, "arrivals", 4)
    _runs(settings, "minutely", 1)
    time.sleep(2)  # both schedulers pass over the same objects and occurrence again
    runs = list_runs(settings, "arrivals")
    assert sorted(r.occurrence for r in runs) == [
        f"s3://bucket/incoming/part-{index}.csv" for index in range(4)
    ]
    assert len(list_runs(settings, "minutely")) == 1
    started = Catalog.open(settings).jobs(PROCESSING).names()
    assert len(started) == 5 == len(set(started))
    assert sorted(stop_scheduler(settings)) == sorted([first, second])
