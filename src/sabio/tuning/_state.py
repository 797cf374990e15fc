"""Reading a tuning job's state: counters, best trial, parents' trials for a warm start,
and its trials' records."""

from __future__ import annotations

import math
import socket
from typing import TYPE_CHECKING, Any

from sabio.catalog import Catalog
from sabio.training._kind import TRAINING
from sabio.tuning._spec import TuningJobSpec

if TYPE_CHECKING:
    import optuna
    from sqlalchemy import Connection

__all__ = [
    "best_job",
    "hold_catalog_open",
    "job_exists",
    "local_pid",
    "parent_trials",
    "summarize",
]


def parent_trials(catalog: Catalog, spec: TuningJobSpec) -> list[tuple[str, dict[str, Any], float]]:
    """Completed trials of the parent tuning jobs as ``(job, tuned values, objective)``.

    The objective is the parent job's final value of *this* tuning job's metric, so a
    parent that optimised another metric still contributes where it reported this one.
    """
    warm = spec.WarmStartConfig
    if warm is None:
        return []
    metric = spec.objective.MetricName
    names = set(spec.config.ParameterRanges.names())
    found: list[tuple[str, dict[str, Any], float]] = []
    for parent in warm.ParentHyperParameterTuningJobs:
        name = parent.HyperParameterTuningJobName
        for record in catalog.jobs(TRAINING).list(parent=name, limit=None):
            if record.status != "Completed":
                continue
            value = catalog.jobs(TRAINING).final_metrics(record.name).get(metric)
            if value is None or not math.isfinite(value):
                continue
            hps = record.spec.get("hyperparameters") or {}
            found.append((record.name, {k: v for k, v in hps.items() if k in names}, value))
    return found


def _status(trial: optuna.trial.FrozenTrial) -> tuple[str, str]:
    """(training job status, objective status) of one of the job's own trials."""
    status = trial.user_attrs.get("status")
    if status is None:
        return "InProgress", "Pending"
    if "objective_error" in trial.user_attrs:
        return "Completed", "Failed"
    if status == "Completed":
        return "Completed", "Succeeded"
    return status, "Failed"


def best_job(
    spec: TuningJobSpec, study: optuna.Study, *, own: bool = True
) -> dict[str, Any] | None:
    """SageMaker's ``BestTrainingJob`` (``own=False``: parents' trials count too)."""
    import optuna

    maximize = spec.objective.Type == "Maximize"
    best: optuna.trial.FrozenTrial | None = None
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)):
        if trial.value is None or (own and "job_name" not in trial.user_attrs):
            continue
        if (
            best is None
            or best.value is None
            or (trial.value > best.value if maximize else trial.value < best.value)
        ):
            best = trial
    if best is None or best.value is None:
        return None
    name = best.user_attrs.get("job_name") or best.user_attrs.get("parent_job")
    tuned = best.user_attrs.get("hyperparameters") or dict(best.params)
    return {
        "TrainingJobName": name,
        "TrainingJobStatus": "Completed",
        "TunedHyperParameters": {k: str(v) for k, v in tuned.items()},
        "FinalHyperParameterTuningJobObjectiveMetric": {
            "Type": spec.objective.Type,
            "MetricName": spec.objective.MetricName,
            "Value": float(best.value),
        },
        "ObjectiveStatus": "Succeeded",
    }


def summarize(catalog: Catalog, spec: TuningJobSpec, study: optuna.Study) -> dict[str, Any]:
    """The details recorded on the tuning job: counters and the best training job."""
    counters = {"Completed": 0, "InProgress": 0, "Failed": 0, "Stopped": 0, "Pruned": 0}
    objective = {"Succeeded": 0, "Pending": 0, "Failed": 0}
    for trial in study.get_trials(deepcopy=False):
        if "job_name" not in trial.user_attrs:
            continue
        status, result = _status(trial)
        counters[status] = counters.get(status, 0) + 1
        objective[result] += 1
    details: dict[str, Any] = {
        "TrainingJobStatusCounters": counters,
        "ObjectiveStatusCounters": objective,
        "BestTrainingJob": best_job(spec, study),
    }
    if spec.WarmStartConfig is not None:
        details["OverallBestTrainingJob"] = best_job(spec, study, own=False)
    return details


def hold_catalog_open(catalog: Catalog) -> Connection | None:
    """Keep a connection to a SQLite catalog open (idle, no transaction) while a tuning job
    runs; close it at the end.

    The catalog opens a connection per operation, and SQLite checkpoints its write-ahead log
    and removes it whenever the last connection to a database closes: with no other
    connection open, every write of every trial's supervisor paid that (a write took about
    4 ms instead of 1 ms on the benchmark machine).
    """
    if catalog.engine.dialect.name != "sqlite":
        return None
    try:
        return catalog.engine.connect()
    except Exception:  # only an optimisation
        return None


def local_pid(catalog: Catalog, job: str) -> int | None:
    """The pid of a training job's supervisor when it runs on this machine."""
    record = catalog.jobs(TRAINING).get(job)
    if record.supervisor_host not in (None, socket.gethostname()):
        return None
    return record.supervisor_pid


def job_exists(catalog: Catalog, job: str) -> bool:
    """Whether the training job exists."""
    from sabio.exceptions import NotFoundError

    try:
        catalog.jobs(TRAINING).get(job)
    except NotFoundError:
        return False
    return True
