"""One scheduler pass: due runs, the missed-run policy, data arrival, claims."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from sabio import processing_jobs
from sabio._config import Settings, load_settings
from sabio.catalog import Catalog
from sabio.exceptions import ConflictError, NotFoundError, ValidationError
from sabio.processing_jobs import PROCESSING
from sabio.scheduling import (
    create_schedule,
    delete_schedule,
    list_runs,
    list_schedules,
    occurrence_name,
    set_schedule_state,
    tick,
)
from sabio.storage import Store


@pytest.fixture
def settings(sabio_home: Path) -> Settings:
    return load_settings()


def _quiet(_line: str) -> None:
    pass


def _request(script: Path) -> dict[str, Any]:
    return {
        "ProcessingJobName": "nightly",
        "AppSpecification": {
            "ImageUri": "sabio/script",
            "ContainerEntrypoint": ["python3", str(script)],
        },
    }


def test_missed_occurrences_run_the_latest_once(settings: Settings) -> None:
    now = time.time()
    start = now - 17 * 60
    # A pipeline that does not exist: the run is claimed and recorded as Failed, with why.
    create_schedule(
        settings, "every-5", pipeline_name="nope", expression="rate(5 minutes)", start_date=start
    )
    assert tick(settings, "s-1", _quiet, now=now) == []
    (run,) = list_runs(settings, "every-5")
    assert run.occurrence == occurrence_name(start + 15 * 60)
    assert run.status == "Failed" and "nope" in (run.message or "")
    assert "2 earlier occurrence(s) since the last run were skipped" in (run.message or "")
    assert run.scheduler == "s-1"
    tick(settings, "s-1", _quiet, now=now + 30)
    assert len(list_runs(settings, "every-5")) == 1
    tick(settings, "s-1", _quiet, now=start + 20 * 60 + 1)
    newest = list_runs(settings, "every-5")[0]
    assert newest.occurrence == occurrence_name(start + 20 * 60)
    assert "skipped" not in (newest.message or "")


def test_two_schedulers_claim_an_occurrence_once(settings: Settings) -> None:
    start = time.time() - 61
    create_schedule(
        settings, "once", pipeline_name="p", expression="rate(1 minute)", start_date=start
    )
    tick(settings, "a", _quiet, now=start + 61)
    tick(settings, "b", _quiet, now=start + 61)
    assert [run.scheduler for run in list_runs(settings, "once")] == ["a"]


def test_end_date_disabled_and_not_yet_started(settings: Settings) -> None:
    now = time.time()
    create_schedule(
        settings,
        "ended",
        pipeline_name="p",
        expression="rate(1 minute)",
        start_date=now - 600,
        end_date=now - 599,
    )
    create_schedule(
        settings,
        "off",
        pipeline_name="p",
        expression="rate(1 minute)",
        start_date=now - 600,
        enabled=False,
    )
    create_schedule(
        settings, "later", pipeline_name="p", expression="rate(1 minute)", start_date=now + 600
    )
    tick(settings, "s", _quiet, now=now)
    assert list_runs(settings) == []
    set_schedule_state(settings, "off", enabled=True)
    tick(settings, "s", _quiet, now=now + 1)
    assert list_runs(settings) == []  # enabling again catches up on nothing


def test_new_objects_start_one_run_each_with_their_uri(settings: Settings, tmp_path: Path) -> None:
    store = Store(settings)
    store.create_bucket("bucket")
    store.put_bytes("s3://bucket/incoming/old.csv", b"old")
    script = tmp_path / "echo.py"
    script.write_text("import os\nprint('object', os.environ['InputDataUri'], flush=True)\n")
    create_schedule(
        settings,
        "on-arrival",
        processing_job=_request(script),
        trigger_prefix="s3://bucket/incoming/",
        parameter_name="InputDataUri",
        parameters={"Mode": "fast"},
    )
    assert tick(settings, "s", _quiet) == []  # objects there before the schedule do not fire
    store.put_bytes("s3://bucket/incoming/new.csv", b"new")
    (job,) = tick(settings, "s", _quiet)
    assert tick(settings, "s", _quiet) == []
    assert job.startswith("nightly-")
    record = processing_jobs.wait(settings, job, timeout=120)
    assert record.status == "Completed", record.failure_reason
    assert record.spec["environment"]["InputDataUri"] == "s3://bucket/incoming/new.csv"
    assert record.spec["environment"]["Mode"] == "fast"
    log = (processing_jobs.job_dir(settings, job) / "logs.txt").read_text()
    assert "object s3://bucket/incoming/new.csv" in log
    (run,) = list_runs(settings, "on-arrival")
    assert (run.occurrence, run.status, run.target_run) == (
        "s3://bucket/incoming/new.csv",
        "Started",
        job,
    )


def test_bad_schedules_are_refused_and_names_are_unique(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="needs an expression"):
        create_schedule(settings, "x", pipeline_name="p")
    with pytest.raises(ValidationError, match="exactly one target"):
        create_schedule(settings, "x", expression="rate(1 hour)")
    with pytest.raises(ValidationError, match="parameter_name"):
        create_schedule(settings, "x", pipeline_name="p", trigger_prefix="s3://bucket/in/")
    with pytest.raises(ValidationError, match="s3:// prefix"):
        create_schedule(
            settings, "x", pipeline_name="p", trigger_prefix="/tmp/in", parameter_name="Uri"
        )
    with pytest.raises(ValidationError, match="Invalid schedule name"):
        create_schedule(settings, "bad name", pipeline_name="p", expression="rate(1 hour)")
    with pytest.raises(ValidationError, match="ContainerEntrypoint"):
        create_schedule(
            settings, "x", processing_job={"ProcessingJobName": "j"}, expression="rate(1 hour)"
        )
    create_schedule(settings, "daily", pipeline_name="p", expression="cron(0 12 * * ? *)")
    with pytest.raises(ConflictError, match="already exists"):
        create_schedule(settings, "daily", pipeline_name="p", expression="rate(1 hour)")
    assert [s.name for s in list_schedules(settings)] == ["daily"]
    delete_schedule(settings, "daily")
    with pytest.raises(NotFoundError, match="does not exist"):
        list_runs(settings, "daily")
    assert Catalog.open(settings).jobs(PROCESSING).names() == []
