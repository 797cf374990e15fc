"""Kernel lifecycle edge cases shared by every kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio import supervision
from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.supervision import JobKind

#: A kind of its own, so the test depends on no engine.
PROBE = JobKind(
    name="probe",
    label="Probe job",
    list_hint="`sabio probes list`",
    module="sabio.no_such_supervisor",
    folder="probes",
    stop_hint="`sabio probes stop`",
)


def test_launch_that_cannot_start_fails_the_job_with_what_to_do(sabio_home: Path) -> None:
    settings = load_settings()
    jobs = Catalog.open(settings).jobs(PROBE)
    jobs.create("p-1", {}, status="InProgress")
    # No job folder: the supervisor's log cannot be opened, so the process cannot start.
    with pytest.raises(OSError):
        supervision.launch(settings, PROBE, "p-1")
    record = supervision.describe(settings, PROBE, "p-1")
    assert record.status == "Failed"
    reason = record.failure_reason or ""
    assert "cannot start the supervisor (python -m sabio.no_such_supervisor)" in reason
    assert "run the job again" in reason
    assert [e.status for e in record.history] == ["InProgress", "Failed"]


def test_wait_on_a_job_nobody_started_times_out_naming_the_kind(sabio_home: Path) -> None:
    settings = load_settings()
    Catalog.open(settings).jobs(PROBE).create("p-2", {}, status="InProgress")
    with pytest.raises(TimeoutError, match=r"Probe job 'p-2' did not finish .*sabio probes stop"):
        supervision.wait(settings, PROBE, "p-2", timeout=0.3)
