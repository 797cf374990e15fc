"""Trials of a built-in start from the standby the submitter started; nothing lingers;
a trial whose supervisor is killed is noticed at once."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio import image_uris
from sabio.estimator import Estimator
from sabio.parameter import ContinuousParameter, IntegerParameter
from sabio.session import Session
from sabio.supervision import backend_for, job_env
from sabio.supervision._warm_pool import WarmPool
from sabio.supervision.backends import LocalBackend
from sabio.training import TRAINING, job_dir
from sabio.tuner import HyperparameterTuner
from sabio.tuning import describe, trials, tuning_dir, wait
from sabio.tuning._kind import TUNING

from ._helpers import make_estimator


def _processes_of(home: Path) -> list[int]:
    """Processes started with ``SABIO_HOME=home`` (supervisors, standbys, programs)."""
    marker = f"SABIO_HOME={home}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                variables = fh.read().split(b"\0")
            with open(f"/proc/{entry}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in variables and state not in (b"Z", b"X"):
            found.append(int(entry))
    return found


def _xgboost_data(session: Session, tmp_path: Path) -> str:
    rows = [f"{2.0 * i + 1.0},{float(i)},{float(i % 3)}" for i in range(60)]
    data = tmp_path / "train.csv"
    data.write_text("\n".join(rows) + "\n")
    return session.upload_data(str(data), key_prefix="warm-tune/train")


def test_builtin_trials_fork_from_the_submitters_standby(
    session: Session, sabio_home: Path, tmp_path: Path
) -> None:
    uri = _xgboost_data(session, tmp_path)
    estimator = Estimator(
        image_uri=image_uris.retrieve("xgboost"),
        hyperparameters={"num_round": 3, "objective": "reg:squarederror"},
    )
    tuner = HyperparameterTuner(
        estimator,
        "validation:rmse",
        {"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(2, 4)},
        objective_type="Minimize",
        max_jobs=3,
        max_parallel_jobs=2,
        random_seed=0,
    )
    tuner.fit({"train": uri, "validation": uri}, job_name="tune-warm")
    record = describe(session.settings, "tune-warm")
    assert record.status == "Completed", record.failure_reason
    log = (tuning_dir(session.settings, "tune-warm") / "logs.txt").read_text()
    assert "warm pool for sabio.algorithms.xgboost (lent by the submitter) ready" in log
    jobs = trials(session.settings, "tune-warm")
    assert len(jobs) == 3 and all(j.status == "Completed" for j in jobs)
    for job in jobs:  # the first ones too: none waited on a cold interpreter
        trial_log = (job_dir(session.settings, job.name) / "logs.txt").read_text()
        assert "started the built-in from a pre-imported process" in trial_log
    # The supervisor has exited: its standby, the spare supervisor and its pre-forked
    # program child read end-of-file and exit too.
    wait_until(lambda: not _processes_of(sabio_home))


def test_keep_alive_lends_the_first_tuning_jobs_standby_to_the_next(
    session: Session, sabio_home: Path, tmp_path: Path
) -> None:
    uri = _xgboost_data(session, tmp_path)
    estimator = Estimator(
        image_uri=image_uris.retrieve("xgboost"),
        hyperparameters={"num_round": 3, "objective": "reg:squarederror"},
        keep_alive_period_in_seconds=60,
    )
    tuner = HyperparameterTuner(
        estimator,
        "validation:rmse",
        {"eta": ContinuousParameter(0.1, 0.5)},
        objective_type="Minimize",
        max_jobs=2,
        max_parallel_jobs=2,
        random_seed=0,
    )
    try:
        tuner.fit({"train": uri, "validation": uri}, job_name="tune-keep-1")
        pid = _pool().standby_pid(TRAINING, job_env(session.settings))
        assert pid is not None
        # The tuning job is over, its standby is not: this process keeps it (warm pool).
        assert pid in _processes_of(sabio_home)
        tuner.fit({"train": uri, "validation": uri}, job_name="tune-keep-2")
        # The same, lent again.
        assert _pool().standby_pid(TRAINING, job_env(session.settings)) == pid
        for name in ("tune-keep-1", "tune-keep-2"):
            assert describe(session.settings, name).status == "Completed"
            for job in trials(session.settings, name):
                trial_log = (job_dir(session.settings, job.name) / "logs.txt").read_text()
                assert "started the built-in from a pre-imported process" in trial_log
    finally:
        _dismiss_kept_standby()
    # Released by this process and idle: it ends after its keep-alive period at the latest.
    wait_until(lambda: not _processes_of(sabio_home), timeout=90)


def test_keep_alive_warms_a_standby_from_the_first_training_job(
    session: Session, sabio_home: Path, tmp_path: Path
) -> None:
    uri = _xgboost_data(session, tmp_path)
    estimator = Estimator(
        image_uris.retrieve("xgboost"),
        hyperparameters={"num_round": 2, "objective": "reg:squarederror"},
        sagemaker_session=session,
        keep_alive_period_in_seconds=60,
    )
    try:
        estimator.fit({"train": uri}, job_name="keep-fit-1", logs=False)
        # Started with the first job.
        assert _pool().wait_ready(TRAINING, job_env(session.settings), 60.0)
        estimator.fit({"train": uri}, job_name="keep-fit-2", logs=False)
        log = (job_dir(session.settings, "keep-fit-2") / "logs.txt").read_text()
        assert "started the built-in from a pre-imported process" in log
    finally:
        _dismiss_kept_standby()
    wait_until(lambda: not _processes_of(sabio_home), timeout=90)


def test_estimator_keep_alive_must_be_0_to_3600_seconds(session: Session) -> None:
    from sabio.exceptions import ValidationError

    image = image_uris.retrieve("xgboost")
    for bad in (-1, 3601, 1.5, True):
        with pytest.raises(ValidationError, match="keep_alive_period_in_seconds"):
            Estimator(image, sagemaker_session=session, keep_alive_period_in_seconds=bad)
    estimator = Estimator(image, sagemaker_session=session, keep_alive_period_in_seconds=0)
    assert estimator.keep_alive_period_in_seconds == 0


def test_invalid_tuning_job_leaves_no_standby(session: Session, sabio_home: Path) -> None:
    from sabio.exceptions import ValidationError

    tuner = HyperparameterTuner(
        Estimator(image_uri=image_uris.retrieve("xgboost"), hyperparameters={"num_round": 2}),
        "validation:rmse",
        {"eta": ContinuousParameter(0.1, 0.5)},
        max_jobs=2,
    )
    uri = f"s3://{session.default_bucket()}/no-such-prefix"
    try:
        tuner.fit({"train": uri}, job_name="tune-invalid")
    except ValidationError:
        pass
    else:
        raise AssertionError("the empty channel was accepted")
    assert session.catalog.jobs(TUNING).list() == []
    wait_until(lambda: not _processes_of(sabio_home))


def test_killed_trial_supervisor_fails_the_trial_at_once(
    session: Session, train_uri: str, tmp_path: Path
) -> None:
    tuner = HyperparameterTuner(
        make_estimator(tmp_path, steps=400, sleep=0.05),
        "validation:final",
        {"x": ContinuousParameter(0.0, 1.0)},
        objective_type="Minimize",
        max_jobs=1,
        max_parallel_jobs=1,
        strategy="Random",
    )
    tuner.fit({"train": train_uri}, job_name="tune-kill-trial", wait=False)
    job = wait_until(
        lambda: next(
            (
                j
                for j in trials(session.settings, "tune-kill-trial")
                if j.secondary_status == "Training"
            ),
            None,
        )
    )
    assert job.supervisor_pid is not None
    os.kill(job.supervisor_pid, signal.SIGKILL)
    record = wait(session.settings, "tune-kill-trial", timeout=60)
    assert record.status == "Failed"
    [trial] = trials(session.settings, "tune-kill-trial")
    assert trial.status == "Failed"
    assert "died without recording an outcome" in (trial.failure_reason or "")


def _pool() -> WarmPool:
    backend = backend_for("local")
    assert isinstance(backend, LocalBackend)
    return backend.pool


def _dismiss_kept_standby() -> None:
    """Close this process's ends of the kept standby (it exits once idle for its period)."""
    _pool().clear()
