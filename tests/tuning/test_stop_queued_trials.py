"""A stopped tuning job ends its queued trials' processes too.

Trials that wait for CPU slots (each asks for the whole machine, so one runs and the others
queue) must not outlive the tuning job: once it is ``Stopped``, no supervisor of any trial and
no program started by one is still running.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import psutil
import pytest
from tests._wait import wait_until

from sabio.estimator import Estimator
from sabio.parameter import ContinuousParameter
from sabio.session import Session
from sabio.training._kind import TRAINING
from sabio.tuner import HyperparameterTuner
from sabio.tuning import describe

SLOW_TRIAL = """
import os, subprocess, sys, time
open(os.path.join(os.environ["MARKS"], str(os.getpid())), "w").close()
# A child of its own, as real scripts have (data loaders, shells): part of the trial's tree.
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
time.sleep(300)
print("final loss: 1.0")
"""


def _sabio_processes(home: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter():
        try:
            mine = process.environ().get("SABIO_HOME") == str(home)
            if mine and process.pid != os.getpid() and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except psutil.Error:
            continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc environments")
def test_stopped_tuning_job_leaves_no_trial_process(
    sabio_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SABIO_CPU_SLOTS", "2")  # ml.m5.large takes both: one trial at a time
    session = Session()
    marks = tmp_path / "marks"
    marks.mkdir()
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(SLOW_TRIAL).lstrip())
    estimator = Estimator(
        entry_point=str(script),
        instance_type="ml.m5.large",
        environment={"MARKS": str(marks)},
        metric_definitions=[{"Name": "validation:final", "Regex": r"final loss: ([0-9.]+)"}],
        sagemaker_session=session,
    )
    tuner = HyperparameterTuner(
        estimator,
        "validation:final",
        {"x": ContinuousParameter(0.0, 1.0)},
        objective_type="Minimize",
        max_jobs=4,
        max_parallel_jobs=4,
    )
    tuner.fit(job_name="tune-queued", wait=False)
    trials = session.catalog.jobs(TRAINING)
    wait_until(lambda: len(os.listdir(marks)) == 1, timeout=60, what="the first trial to run")
    wait_until(lambda: len(trials.list()) == 4, timeout=60, what="all four trials to start")
    tuner.stop_tuning_job()
    wait_until(
        lambda: describe(session.settings, "tune-queued").status == "Stopped",
        timeout=90,
        what="the tuning job to stop",
    )
    assert {job.status for job in trials.list()} == {"Stopped"}

    def left() -> list[psutil.Process]:
        return _sabio_processes(sabio_home)

    # Every trial's supervisor, its program and the program's own child end with it.
    wait_until(lambda: not left(), timeout=30, what="every trial process to exit")
    assert len(os.listdir(marks)) == 1  # the queued trials never ran their script
