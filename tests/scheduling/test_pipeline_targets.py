"""Schedules that start pipeline executions (the scheduler's main target)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests._wait import wait_until

from sabio import pipelines
from sabio._config import Settings, load_settings
from sabio.scheduling import create_schedule, list_runs, start_scheduler, stop_scheduler, tick
from sabio.storage import Store

#: SageMaker pipeline-definition JSON: fail when the object's URI names a bad file.
DEFINITION: dict[str, Any] = {
    "Version": "2020-12-01",
    "Metadata": {},
    "Parameters": [
        {"Name": "InputDataUri", "Type": "String", "DefaultValue": "none"},
        {"Name": "Threshold", "Type": "Float", "DefaultValue": 0.5},
    ],
    "Steps": [
        {
            "Name": "check",
            "Type": "Condition",
            "Arguments": {
                "Conditions": [
                    {
                        "Type": "Equals",
                        "LeftValue": {"Get": "Parameters.InputDataUri"},
                        "RightValue": "s3://bucket/incoming/bad.csv",
                    }
                ],
                "IfSteps": [
                    {"Name": "stop", "Type": "Fail", "Arguments": {"ErrorMessage": "bad file"}}
                ],
                "ElseSteps": [],
            },
        }
    ],
}


@pytest.fixture
def settings(sabio_home: Path) -> Iterator[Settings]:
    settings = load_settings()
    Store(settings).create_bucket("bucket")
    pipelines.upsert_pipeline(settings, "arrivals", DEFINITION)
    yield settings
    stop_scheduler(settings)


def _quiet(_line: str) -> None:
    pass


def test_new_object_starts_an_execution_with_its_uri(settings: Settings) -> None:
    create_schedule(
        settings,
        "on-arrival",
        pipeline_name="arrivals",
        trigger_prefix="s3://bucket/incoming/",
        parameter_name="InputDataUri",
        parameters={"Threshold": 0.7},
    )
    Store(settings).put_bytes("s3://bucket/incoming/good.csv", b"1")
    (execution,) = tick(settings, "s", _quiet)
    record = pipelines.wait_execution(settings, execution, timeout=120)
    assert record.status == "Succeeded"
    assert record.spec["parameters"] == {
        "InputDataUri": "s3://bucket/incoming/good.csv",
        "Threshold": 0.7,
    }
    assert record.spec["trigger"] == "schedule on-arrival: new object s3://bucket/incoming/good.csv"
    (run,) = list_runs(settings, "on-arrival")
    assert (run.status, run.target_run) == ("Started", execution)


def test_a_parameter_of_the_wrong_type_fails_the_run_not_the_schedule(
    settings: Settings,
) -> None:
    create_schedule(
        settings,
        "wrong",
        pipeline_name="arrivals",
        expression="rate(1 minute)",
        parameters={"Threshold": "high"},
        start_date=time.time() - 61,
    )
    assert tick(settings, "s", _quiet) == []
    (run,) = list_runs(settings, "wrong")
    assert run.status == "Failed" and "Threshold" in (run.message or "")


def test_the_scheduler_process_starts_executions_on_a_rate(settings: Settings) -> None:
    create_schedule(
        settings,
        "minutely",
        pipeline_name="arrivals",
        expression="rate(1 minute)",
        start_date=time.time() - 58,
    )
    start_scheduler(settings, poll_seconds=0.5)
    (run,) = wait_until(
        lambda: [r for r in list_runs(settings, "minutely") if r.status == "Started"],
        timeout=90,
        what="the first scheduled execution",
    )
    record = pipelines.wait_execution(settings, run.target_run, timeout=120)
    assert record.status == "Succeeded"
    assert record.spec["trigger"].startswith("schedule minutely (rate(1 minute)) at ")
