"""Jobs that fail, overrun, are stopped or lose their supervisor: status, reason, cleanup."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest
from tests._wait import wait_until

from sabio import training
from sabio.estimator import Estimator
from sabio.exceptions import JobFailedError
from sabio.session import Session
from sabio.supervision import backend_for, job_env
from sabio.supervision.backends import LocalBackend
from sabio.training._kind import TRAINING
from sabio.xgboost import XGBoost

from .conftest import WriteFile

# A script that says it is running (its pid in a marker file), then sleeps.
SLEEPER = """
import os, sys, time
with open(sys.argv[sys.argv.index("--marker") + 1], "w") as fh:
    fh.write(str(os.getpid()))
time.sleep(30)
"""


def _sleeper(
    write_file: WriteFile, tmp_path: Path, session: Session, **kwargs: object
) -> tuple[Estimator, Path]:
    marker = tmp_path / "running.pid"
    estimator = Estimator(
        entry_point=str(write_file("sleeper.py", SLEEPER)),
        hyperparameters={"marker": str(marker)},
        sagemaker_session=session,
        **kwargs,  # type: ignore[arg-type]
    )
    return estimator, marker


def test_fit_script_raising_fails_with_execute_user_script_error(
    session: Session, write_file: WriteFile
) -> None:
    script = write_file(
        "crash.py",
        """
        import os
        open(os.path.join(os.environ["SM_MODEL_DIR"], "partial.bin"), "w").write("x")
        print("about to fail")
        raise ValueError("column 'age' has text values")
        """,
    )
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    with pytest.raises(JobFailedError, match="column 'age' has text values") as info:
        estimator.fit(job_name="crash-job", logs=False)
    assert isinstance(info.value, RuntimeError)
    assert "crash-job" in str(info.value)

    description = estimator.describe()
    assert description["TrainingJobStatus"] == "Failed"
    assert description["SecondaryStatus"] == "Failed"
    reason = description["FailureReason"]
    assert reason.startswith("AlgorithmError: ExecuteUserScriptError")
    assert "ExitCode 1" in reason
    assert "ValueError: column 'age' has text values" in reason
    assert [t["Status"] for t in description["SecondaryStatusTransitions"]] == [
        "Starting",
        "Downloading",
        "Training",
        "Failed",
    ]
    assert "ModelArtifacts" not in description  # no model from a failed job
    assert session.catalog.jobs(TRAINING).get("crash-job").exit_code == 1
    assert description["ResourceUsage"]["WallSeconds"] is not None


def test_fit_failure_file_becomes_failure_reason_truncated(
    session: Session, write_file: WriteFile
) -> None:
    text = "Data error: " + "abcdefghij" * 199  # 2002 characters
    script = write_file(
        "fail.py",
        f"""
        import os, sys
        with open(os.path.join(os.environ["SM_OUTPUT_DIR"], "failure"), "w") as fh:
            fh.write({text!r})
        sys.exit(1)
        """,
    )
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    with pytest.raises(JobFailedError, match="Data error: abcdefghij"):
        estimator.fit(job_name="failure-file-job", logs=False)
    reason = estimator.describe()["FailureReason"]
    assert reason == text[:1024]
    assert len(reason) == 1024


def test_fit_silent_nonzero_exit_reports_code_and_empty_stderr(
    session: Session, write_file: WriteFile
) -> None:
    script = write_file("exit3.py", "import sys\nsys.exit(3)\n")
    estimator = XGBoost(
        entry_point=str(script), framework_version="1.7-1", sagemaker_session=session
    )
    with pytest.raises(JobFailedError, match="ExitCode 3"):
        estimator.fit(job_name="exit-job", logs=False)
    description = estimator.describe()
    assert description["TrainingJobStatus"] == "Failed"
    reason = description["FailureReason"]
    assert "exit code: 3" in reason
    assert "printed nothing to stderr" in reason
    assert session.catalog.jobs(TRAINING).get("exit-job").exit_code == 3


def test_fit_max_run_exceeded_stops_job(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    estimator, marker = _sleeper(write_file, tmp_path, session, max_run=1)
    started = time.monotonic()
    with pytest.raises(JobFailedError, match="MaxRuntimeExceeded"):
        estimator.fit(job_name="overrun-job", logs=False)
    assert time.monotonic() - started < 15

    description = estimator.describe()
    assert description["TrainingJobStatus"] == "Stopped"
    assert description["SecondaryStatus"] == "MaxRuntimeExceeded"
    assert "max_run=1" in description["FailureReason"]
    pid = int(marker.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_stop_running_job_ends_stopped_quickly(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    estimator, marker = _sleeper(write_file, tmp_path, session)
    estimator.fit(job_name="stop-job", wait=False)
    wait_until(marker.exists, what="the script to start")

    started = time.monotonic()
    estimator.stop()
    record = training.wait(session.settings, "stop-job", timeout=15)
    assert time.monotonic() - started < 15

    assert record.status == "Stopped"
    description = estimator.describe()
    assert description["TrainingJobStatus"] == "Stopped"
    statuses = [t["Status"] for t in description["SecondaryStatusTransitions"]]
    assert statuses[-2:] == ["Stopping", "Stopped"]
    assert "user's request" in description["FailureReason"]
    assert "ModelArtifacts" in description  # what the model folder held is kept
    assert not training.stop(session.settings, "stop-job")  # already ended


def test_stop_right_after_submit_ends_stopped(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    estimator, _marker = _sleeper(write_file, tmp_path, session)
    estimator.fit(job_name="early-stop-job", wait=False)
    estimator.stop()
    record = training.wait(session.settings, "early-stop-job", timeout=15)
    assert record.status == "Stopped", record.failure_reason


def _group_members(pgid: int) -> list[int]:
    members = []
    for process in psutil.process_iter(["pid", "status"]):
        try:
            if os.getpgid(process.pid) == pgid and process.info["status"] != "zombie":
                members.append(process.pid)
        except (ProcessLookupError, psutil.Error):
            continue
    return members


def test_killed_supervisor_and_script_reconciled_to_failed(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    estimator, marker = _sleeper(write_file, tmp_path, session)
    estimator.fit(job_name="killed-job", wait=False)
    wait_until(marker.exists, what="the script to start")
    script_pid = int(marker.read_text())
    supervisor_pid = session.catalog.jobs(TRAINING).get("killed-job").supervisor_pid
    assert supervisor_pid is not None
    # The script runs in its own process group, in the supervisor's session.
    assert os.getsid(script_pid) == supervisor_pid
    assert os.getpgid(script_pid) == script_pid

    os.kill(supervisor_pid, signal.SIGKILL)  # the script is left running

    def reconciled() -> dict[str, object] | None:
        description = session.describe_training_job("killed-job")
        return description if description["TrainingJobStatus"] != "InProgress" else None

    description = wait_until(reconciled, timeout=10, what="the job to be reconciled")
    assert description["TrainingJobStatus"] == "Failed"
    assert "supervisor" in description["FailureReason"]
    assert "died" in description["FailureReason"]
    assert str(supervisor_pid) in description["FailureReason"]
    wait_until(lambda: not _group_members(supervisor_pid), timeout=10, what="the group to exit")
    # Reconciling killed the script too (the supervisor's session).
    wait_until(lambda: not _group_members(script_pid), timeout=10, what="the script to exit")
    # The reconciled outcome is final: reading again changes nothing.
    assert (
        session.describe_training_job("killed-job")["FailureReason"]
        == (description["FailureReason"])
    )
    with pytest.raises(JobFailedError, match="supervisor"):
        estimator.latest_training_job.wait(logs=False)  # type: ignore[union-attr]


def test_killed_standby_supervisor_reconciled_to_failed(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    # Repeated submissions from one process hand jobs to a warm standby supervisor.
    quick = str(write_file("quick.py", "print('warm')\n"))
    for index in range(2):
        Estimator(entry_point=quick, sagemaker_session=session).fit(
            job_name=f"warm-{index}", logs=False
        )
    # The second job started the standby; a job takes it only once it is warm (else it
    # starts cold), so wait for that rather than race it.
    backend = backend_for("local")
    assert isinstance(backend, LocalBackend)
    assert backend.pool.wait_ready(TRAINING, job_env(session.settings), 60)
    estimator, marker = _sleeper(write_file, tmp_path, session)
    estimator.fit(job_name="standby-job", wait=False)
    wait_until(marker.exists, what="the script to start")
    supervisor_pid = session.catalog.jobs(TRAINING).get("standby-job").supervisor_pid
    assert supervisor_pid is not None
    assert psutil.Process(supervisor_pid).ppid() != os.getpid()  # forked by the standby
    script_pid = int(marker.read_text())
    assert os.getsid(script_pid) == supervisor_pid

    os.kill(supervisor_pid, signal.SIGKILL)

    def reconciled() -> dict[str, object] | None:
        description = session.describe_training_job("standby-job")
        return description if description["TrainingJobStatus"] != "InProgress" else None

    description = wait_until(reconciled, timeout=10, what="the job to be reconciled")
    assert description["TrainingJobStatus"] == "Failed"
    assert "supervisor" in str(description["FailureReason"])
    wait_until(lambda: not _group_members(supervisor_pid), timeout=10, what="the group to exit")
    wait_until(lambda: not _group_members(script_pid), timeout=10, what="the script to exit")


def test_fit_requirements_that_cannot_install_fail_with_client_error(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    write_file("src/train.py", "print('never runs')\n")
    # --no-index keeps pip off the network: it fails at once, as it would offline.
    write_file("src/requirements.txt", "--no-index\nsabio-no-such-package-xyz==1.0\n")
    estimator = Estimator(
        entry_point="train.py", source_dir=str(tmp_path / "src"), sagemaker_session=session
    )
    with pytest.raises(JobFailedError, match=r"Installing requirements\.txt failed"):
        estimator.fit(job_name="pip-job", logs=False)
    description = estimator.describe()
    assert description["TrainingJobStatus"] == "Failed"
    reason = description["FailureReason"]
    assert reason.startswith("ClientError: ")
    assert "sabio-no-such-package-xyz" in reason
    assert "offline" in reason
    requirements_cache = session.settings.cache_dir / "requirements"
    assert not any(p.name.endswith(".partial") for p in requirements_cache.glob("*"))
