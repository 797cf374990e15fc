"""Tuning jobs end to end: real supervisors, real trial jobs, the real catalog."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from tests._wait import wait_until

from sabio.parameter import CategoricalParameter, ContinuousParameter
from sabio.session import Session
from sabio.training._kind import TRAINING
from sabio.tuner import HyperparameterTuner, WarmStartConfig, WarmStartTypes
from sabio.tuning import describe, resume, trials, wait
from sabio.tuning._kind import TUNING

from ._helpers import make_estimator

X = {"x": ContinuousParameter(0.0, 1.0)}


def _tuner(
    tmp_path: Path,
    ranges: Any = None,
    static: Any = None,
    objective: str = "validation:final",
    **kwargs: Any,
) -> HyperparameterTuner:
    kwargs.setdefault("objective_type", "Minimize")
    kwargs.setdefault("max_jobs", 4)
    kwargs.setdefault("max_parallel_jobs", 2)
    kwargs.setdefault("random_seed", 7)
    kwargs.setdefault("strategy", "Random")
    estimator = make_estimator(tmp_path, **(static or {}))
    return HyperparameterTuner(estimator, objective, ranges or X, **kwargs)


def test_supervisor_runs_all_trials(session: Session, train_uri: str, tmp_path: Path) -> None:
    tuner = _tuner(tmp_path, {**X, "kind": CategoricalParameter(["a", "b"])})
    tuner.fit({"train": train_uri}, job_name="tune-all")
    record = describe(session.settings, "tune-all")
    assert record.status == "Completed"
    assert record.details["TrainingJobStatusCounters"]["Completed"] == 4
    assert record.details["TuningJobCompletionReason"] == "MaxNumberOfTrainingJobs reached"
    jobs = trials(session.settings, "tune-all")
    assert len(jobs) == 4 and all(j.parent == "tune-all" for j in jobs)
    values = {
        j.name: session.catalog.jobs(TRAINING).final_metrics(j.name)["validation:final"]
        for j in jobs
    }
    best = record.details["BestTrainingJob"]
    assert best["TrainingJobName"] == min(values, key=values.__getitem__)
    assert set(best["TunedHyperParameters"]) == {"x", "kind"}


def test_supervisor_tolerates_failed_trials(
    session: Session, train_uri: str, tmp_path: Path
) -> None:
    tuner = _tuner(
        tmp_path,
        {"x": CategoricalParameter([0.1, 0.2, 0.9])},
        static={"fail_above": 0.5},
        strategy="Grid",
        max_jobs=None,
    )
    tuner.fit({"train": train_uri}, job_name="tune-fail-ok")
    record = describe(session.settings, "tune-fail-ok")
    assert record.status == "Completed"
    assert record.details["TrainingJobStatusCounters"]["Failed"] == 1
    failed = [j for j in trials(session.settings, "tune-fail-ok") if j.status == "Failed"]
    assert "x=0.9 is too large" in (failed[0].failure_reason or "")


def test_supervisor_fails_after_too_many_failures(
    session: Session, train_uri: str, tmp_path: Path
) -> None:
    tuner = _tuner(tmp_path, static={"fail_above": -1}, max_jobs=3, max_parallel_jobs=1)
    try:
        tuner.fit({"train": train_uri}, job_name="tune-fail")
    except Exception as exc:
        assert "is too large" in str(exc)
    record = describe(session.settings, "tune-fail")
    assert record.status == "Failed"
    assert "2 training job(s) failed (at most 1 tolerated" in (record.failure_reason or "")
    assert "is too large" in (record.failure_reason or "")
    assert len(trials(session.settings, "tune-fail")) == 2


def test_supervisor_objective_not_reported(
    session: Session, train_uri: str, tmp_path: Path
) -> None:
    tuner = _tuner(tmp_path, max_jobs=1, max_parallel_jobs=1, max_failed_jobs=1)
    tuner.metric_definitions = [{"Name": "validation:other", "Regex": "other: ([0-9.]+)"}]
    tuner.objective_metric_name = "validation:other"
    try:
        tuner.fit({"train": train_uri}, job_name="tune-nometric")
    except Exception:
        pass
    record = describe(session.settings, "tune-nometric")
    assert record.status == "Failed"
    assert "'validation:other' was not reported" in (record.failure_reason or "")
    assert "validation:final" in (record.failure_reason or "")


def test_supervisor_stop_stops_running_trials(
    session: Session, train_uri: str, tmp_path: Path
) -> None:
    tuner = _tuner(tmp_path, static={"steps": 400, "sleep": 0.05})
    tuner.fit({"train": train_uri}, job_name="tune-stop", wait=False)
    wait_until(
        lambda: any(j.secondary_status == "Training" for j in trials(session.settings, "tune-stop"))
    )
    tuner.stop_tuning_job()
    record = wait(session.settings, "tune-stop", timeout=60)
    assert record.status == "Stopped"
    jobs = trials(session.settings, "tune-stop")
    assert jobs and all(j.status == "Stopped" for j in jobs)
    reasons = [j.failure_reason for j in jobs]
    assert all("Stopped by tuning job 'tune-stop'" in (r or "") for r in reasons), reasons


def test_supervisor_auto_early_stopping_prunes(
    session: Session, train_uri: str, tmp_path: Path
) -> None:
    tuner = _tuner(
        tmp_path,
        # With seed 0 the grid runs 0.3, 0.35, 0.95, 0.9: the last two are worse than the
        # median of the first two at the same steps.
        {"x": CategoricalParameter([0.9, 0.95, 0.3, 0.35])},
        static={"steps": 15, "sleep": 0.1},
        objective="validation:loss",  # reported every step (structured metrics)
        metric_definitions=[{"Name": "validation:loss", "Regex": "loss=([0-9.]+)"}],
        strategy="Grid",
        max_jobs=None,
        max_parallel_jobs=1,
        early_stopping_type="Auto",
        random_seed=0,
    )
    tuner.fit({"train": train_uri}, job_name="tune-prune")
    record = describe(session.settings, "tune-prune")
    assert record.status == "Completed"
    counters = record.details["TrainingJobStatusCounters"]
    pruned = [j for j in trials(session.settings, "tune-prune") if j.status == "Stopped"]
    assert counters["Pruned"] == len(pruned) >= 1
    assert all("Pruned by tuning job 'tune-prune'" in (j.failure_reason or "") for j in pruned)


def test_supervisor_resumes_without_rerunning(
    session: Session, train_uri: str, tmp_path: Path
) -> None:
    tuner = _tuner(tmp_path, static={"steps": 4, "sleep": 0.1}, max_parallel_jobs=1)
    tuner.fit({"train": train_uri}, job_name="tune-resume", wait=False)
    wait_until(
        lambda: any(j.status == "Completed" for j in trials(session.settings, "tune-resume"))
    )
    pid = session.catalog.jobs(TUNING).get("tune-resume").supervisor_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not os.path.exists(f"/proc/{pid}") or _zombie(pid))
    assert resume(session.settings, "tune-resume")
    record = wait(session.settings, "tune-resume", timeout=90)
    assert record.status == "Completed"
    jobs = trials(session.settings, "tune-resume")
    assert len(jobs) == 4 and all(j.status == "Completed" for j in jobs)
    hps = [j.spec["hyperparameters"]["x"] for j in jobs]
    assert len(set(hps)) == 4  # the restarted search did not replay its suggestions


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return True


def test_supervisor_dead_is_reconciled_to_failed(
    session: Session, train_uri: str, tmp_path: Path
) -> None:
    tuner = _tuner(tmp_path, static={"steps": 400, "sleep": 0.05})
    tuner.fit({"train": train_uri}, job_name="tune-dead", wait=False)
    wait_until(
        lambda: any(j.secondary_status == "Training" for j in trials(session.settings, "tune-dead"))
    )
    pid = session.catalog.jobs(TUNING).get("tune-dead").supervisor_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: describe(session.settings, "tune-dead").status == "Failed")
    record = describe(session.settings, "tune-dead")
    assert "died without recording an outcome" in (record.failure_reason or "")
    wait_until(lambda: all(j.is_terminal for j in trials(session.settings, "tune-dead")))


def test_supervisor_warm_start(session: Session, train_uri: str, tmp_path: Path) -> None:
    _tuner(tmp_path, max_jobs=2).fit({"train": train_uri}, job_name="tune-parent")
    child = _tuner(
        tmp_path,
        max_jobs=1,
        max_parallel_jobs=1,
        warm_start_config=WarmStartConfig(
            WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, ["tune-parent"]
        ),
    )
    child.fit({"train": train_uri}, job_name="tune-child")
    record = describe(session.settings, "tune-child")
    assert record.status == "Completed"
    assert record.details["WarmStartTrials"] == 2
    assert len(trials(session.settings, "tune-child")) == 1
    assert record.details["OverallBestTrainingJob"]["TrainingJobName"]
