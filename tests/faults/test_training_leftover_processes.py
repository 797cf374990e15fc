"""A training job ends when its entry point exits, even when the script left a background
process holding its output (issue 19, finding 8)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio.estimator import Estimator
from sabio.session import Session
from sabio.supervision._process import pid_exists
from sabio.training import job_dir

# The script starts a child that ignores SIGTERM, inherits stdout and outlives it by far.
SCRIPT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", (
    "import signal, sys, time\\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\\n"
    "print('child running', flush=True)\\n"
    "time.sleep(600)\\n"
)])
with open(sys.argv[sys.argv.index("--marker") + 1], "w") as fh:
    fh.write(str(child.pid))
print("entry point done", flush=True)
"""


@pytest.fixture
def session(sabio_home: Path) -> Session:
    return Session()


def test_job_ends_when_entry_point_exits_leaving_child(session: Session, tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(SCRIPT).lstrip())
    marker = tmp_path / "child.pid"
    estimator = Estimator(
        entry_point=str(script),
        hyperparameters={"marker": str(marker)},
        sagemaker_session=session,
        max_run=120,
    )
    estimator.fit(wait=False, job_name="leaves-a-child")
    job = estimator.latest_training_job
    described = wait_until(
        lambda: (
            (d := session.describe_training_job("leaves-a-child"))["TrainingJobStatus"]
            != "InProgress"
            and d
        ),
        timeout=60,
        what="the job to end once its entry point exited",
    )
    assert job is not None
    assert described["TrainingJobStatus"] == "Completed"
    child = int(marker.read_text())
    assert wait_until(lambda: not pid_exists(child) or _zombie(child), timeout=10)
    log = (job_dir(session.settings, "leaves-a-child") / "logs.txt").read_text()
    assert "entry point done" in log
    assert "left 1 process(es) running" in log
    assert "SIGKILL" in log


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return True


def test_stop_ends_whole_program_group(session: Session, tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(
        textwrap.dedent(SCRIPT)
        .lstrip()
        .replace('print("entry point done"', 'import time\ntime.sleep(600)\nprint("never"')
    )
    marker = tmp_path / "child.pid"
    estimator = Estimator(
        entry_point=str(script),
        hyperparameters={"marker": str(marker)},
        sagemaker_session=session,
    )
    estimator.fit(wait=False, job_name="stopped-with-child")
    wait_until(marker.exists, timeout=60, what="the script to start its child")
    child = int(marker.read_text())
    session.stop_training_job("stopped-with-child")
    wait_until(
        lambda: (
            session.describe_training_job("stopped-with-child")["TrainingJobStatus"] == "Stopped"
        ),
        timeout=60,
        what="the job to stop",
    )
    assert wait_until(lambda: not pid_exists(child) or _zombie(child), timeout=20)
