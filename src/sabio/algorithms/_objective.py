"""Metric names on the structured metric channel, and the tuner's objective metric.

The tuner passes ``_tuning_objective_metric`` (e.g. ``validation:auc``); every built-in then
reports that metric at the end of training even when it is not among its usual metrics.
Names accept SageMaker/XGBoost spellings (``auc``, ``aucpr``, ``logloss``) and scikit-learn
ones (``roc_auc``, ``pr_auc``, ``log_loss``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sabio.algorithms._errors import HyperparameterError
from sabio.algorithms._metrics import ALIASES, Arr, binary_metrics, multiclass_metrics
from sabio.algorithms._metrics import regression_metrics as _regression
from sabio.algorithms._prepare import PreparedData
from sabio.algorithms._task import BINARY, MULTICLASS, REGRESSOR
from sabio.exceptions import did_you_mean

__all__ = [
    "Objective",
    "compute_metrics",
    "parse_objective",
    "point_metrics",
    "public_name",
    "task_metrics",
]

_CHANNELS = ("train", "validation", "test")
_TASK_METRICS = {
    REGRESSOR: frozenset({"mse", "rmse", "mae", "r2", "mape"}),
    BINARY: frozenset(
        {
            "accuracy",
            "error",
            "precision",
            "recall",
            "specificity",
            "f1",
            "balanced_accuracy",
            "roc_auc",
            "pr_auc",
            "log_loss",
        }
    ),
    MULTICLASS: frozenset(
        {"accuracy", "error", "precision", "recall", "f1", "roc_auc", "pr_auc", "log_loss"}
    ),
}
#: Metrics logged as ``train:``/``validation:`` at the end of training.
_FINAL = {
    REGRESSOR: ("rmse", "mae", "r2", "mse"),
    BINARY: ("accuracy", "roc_auc", "pr_auc", "f1", "log_loss"),
    MULTICLASS: ("accuracy", "f1", "log_loss"),
}
_PUBLIC = {"roc_auc": "auc", "pr_auc": "aucpr", "log_loss": "logloss"}


def public_name(canonical: str) -> str:
    """Name under which a metric is logged (XGBoost/SageMaker spelling)."""
    return _PUBLIC.get(canonical, canonical)


def task_metrics(task: str) -> frozenset[str]:
    """Canonical metric names computable for ``task``."""
    return _TASK_METRICS[task]


def point_metrics(task: str, y: npt.NDArray[Any], scores: Arr, threshold: float) -> dict[str, Arr]:
    """Every metric of ``task`` computed once on all rows."""
    w = np.ones((1, len(y)))
    if task == REGRESSOR:
        return _regression(y.astype(np.float64), scores, w)
    if task == BINARY:
        return binary_metrics(y.astype(np.float64), scores, threshold, w)
    return multiclass_metrics(y.astype(np.int64), scores, w)


def compute_metrics(
    task: str, y: npt.NDArray[Any], scores: Arr, threshold: float
) -> dict[str, float]:
    """The standard final metrics of ``task`` (canonical names)."""
    values = point_metrics(task, y, scores, threshold)
    return {name: float(values[name][0]) for name in _FINAL[task]}


@dataclass(frozen=True)
class Objective:
    """A parsed ``channel:metric`` objective.

    Attributes:
        channel: ``train``, ``validation`` or ``test``.
        metric: metric name as given.
        native: only the algorithm itself computes it (e.g. XGBoost's ``rmsle``).
    """

    channel: str
    metric: str
    native: bool

    @property
    def canonical(self) -> str:
        """The metric's canonical name."""
        return ALIASES.get(self.metric, self.metric)

    def check_available(self, data: PreparedData) -> None:
        """Fail before training when the objective cannot be computed for this data.

        Raises:
            HyperparameterError: no data for the channel, or a metric of another task.
        """
        present = {"train": data.train, "validation": data.validation, "test": data.test}
        if present[self.channel] is None:
            raise HyperparameterError(
                f"Hyperparameter '_tuning_objective_metric' is {self.channel}:{self.metric}, "
                f"but the job has no {self.channel!r} data. Add a {self.channel!r} channel."
            )
        if not self.native and self.canonical not in _TASK_METRICS[data.task]:
            raise HyperparameterError(
                f"Tuning objective metric {self.metric!r} does not apply to a {data.task}: "
                f"expected one of {', '.join(sorted(_TASK_METRICS[data.task]))}."
            )

    def value(self, task: str, y: npt.NDArray[Any], scores: Arr, threshold: float) -> float:
        """The objective's value for predictions ``scores`` of labels ``y``."""
        return float(point_metrics(task, y, scores, threshold)[self.canonical][0])


def parse_objective(text: str | None, native: frozenset[str]) -> Objective | None:
    """Parse ``_tuning_objective_metric`` (``None`` when absent).

    Raises:
        HyperparameterError: malformed text, unknown channel or metric.
    """
    if not text:
        return None
    channel, sep, metric = text.strip().partition(":")
    computable = frozenset().union(*_TASK_METRICS.values())
    known = computable | set(ALIASES) | native
    if not sep or channel not in _CHANNELS:
        raise HyperparameterError(
            f"Hyperparameter '_tuning_objective_metric' must look like 'validation:auc' "
            f"(channel one of {', '.join(_CHANNELS)}), got {text!r}."
        )
    # XGBoost metrics such as 'error@0.7' or 'ndcg@5' take a parameter after '@'.
    parametrised = metric.partition("@")[0] + "@" in native
    if metric not in known and not parametrised:
        raise HyperparameterError(
            f"Unknown tuning objective metric {metric!r} in {text!r}.{did_you_mean(metric, known)}"
            f" Known: {', '.join(sorted(known))}."
        )
    return Objective(channel, metric, native=ALIASES.get(metric, metric) not in computable)
