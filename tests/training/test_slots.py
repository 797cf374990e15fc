"""CPU slots: sized instance types reserve them, oversized ones get the whole machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio import training
from sabio.estimator import Estimator
from sabio.session import Session

from ._helpers import job_log, model_json
from .conftest import WriteFile

NAP = """
import os, time
time.sleep(0.5)
open(os.path.join(os.environ["SM_MODEL_DIR"], "cpus.txt"), "w").write(os.environ["SM_NUM_CPUS"])
"""


@pytest.fixture
def two_slot_session(sabio_home: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    """A session of a workspace with 2 CPU slots (SABIO_CPU_SLOTS=2)."""
    monkeypatch.setenv("SABIO_CPU_SLOTS", "2")
    session = Session()
    assert session.settings.cpu_slots == 2
    return session


def test_fit_instance_larger_than_machine_runs_with_warning(
    two_slot_session: Session, write_file: WriteFile
) -> None:
    session = two_slot_session
    estimator = Estimator(
        entry_point=str(write_file("nap.py", NAP)),
        instance_type="ml.m4.xlarge",
        sagemaker_session=session,
    )
    estimator.fit(job_name="big-job", wait=False)
    record = training.wait(session.settings, "big-job", timeout=60)  # never waits forever

    assert record.status == "Completed"
    warnings = [line for line in job_log(session, "big-job").splitlines() if "vCPUs" in line]
    assert len(warnings) == 1
    assert "ml.m4.xlarge" in warnings[0]
    assert "4 vCPUs" in warnings[0]
    assert "2 CPU slots" in warnings[0]
    assert "whole machine" in warnings[0]
    assert model_json(session, "big-job", "cpus.txt") == 2
    assert estimator.describe()["ResourceUsage"]["EstimatedCloudCostUSD"] > 0


def test_fit_two_jobs_needing_all_slots_run_one_after_the_other(
    two_slot_session: Session, write_file: WriteFile
) -> None:
    session = two_slot_session
    script = str(write_file("nap.py", NAP))
    estimators = [
        Estimator(entry_point=script, instance_type="ml.m5.large", sagemaker_session=session)
        for _ in range(2)
    ]
    for index, estimator in enumerate(estimators):
        estimator.fit(job_name=f"queued-{index}", wait=False)
    records = [training.wait(session.settings, f"queued-{i}", timeout=60) for i in range(2)]

    assert [r.status for r in records] == ["Completed", "Completed"]
    windows = sorted((r.started_at, r.ended_at) for r in records)
    assert all(start is not None and end is not None for start, end in windows)
    (_, first_end), (second_start, _) = windows
    assert first_end <= second_start  # type: ignore[operator]
    waited = [
        name
        for name in ("queued-0", "queued-1")
        if "waiting for 2 free CPU slot(s)" in job_log(session, name)
    ]
    assert len(waited) == 1
    descriptions = [e.describe() for e in estimators]
    spans = sorted((d["TrainingStartTime"], d["TrainingEndTime"]) for d in descriptions)
    assert spans[0][1] <= spans[1][0]


SLEEPER = """
import os, time
open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], "started"), "w").close()
time.sleep(30)
"""


def test_stop_job_waiting_for_slots_ends_stopped(
    two_slot_session: Session, write_file: WriteFile
) -> None:
    session = two_slot_session
    script = str(write_file("sleeper.py", SLEEPER))
    holder, queued = (
        Estimator(entry_point=script, instance_type="ml.m5.large", sagemaker_session=session)
        for _ in range(2)
    )
    holder.fit(job_name="holder", wait=False)
    wait_until(
        lambda: (
            training.job_dir(session.settings, "holder") / "algo-1/output/data/started"
        ).exists(),
        what="the first job to hold the slots",
    )
    queued.fit(job_name="queued", wait=False)
    log = training.job_dir(session.settings, "queued") / "logs.txt"
    wait_until(
        lambda: log.exists() and "waiting for 2 free CPU slot(s)" in log.read_text(),
        what="the second job to queue",
    )
    assert queued.describe()["SecondaryStatus"] == "Starting"

    queued.stop()
    record = training.wait(session.settings, "queued", timeout=15)
    assert record.status == "Stopped"
    assert record.started_at is None  # it never trained
    assert session.describe_training_job("holder")["SecondaryStatus"] == "Training"

    holder.stop()
    assert training.wait(session.settings, "holder", timeout=15).status == "Stopped"
