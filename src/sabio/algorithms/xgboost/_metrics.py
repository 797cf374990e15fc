"""SageMaker XGBoost's extra evaluation metrics (accuracy, f1, r2 ...) as a custom metric."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sabio.algorithms._errors import HyperparameterError
from sabio.algorithms._metrics import ALIASES, Arr
from sabio.algorithms._objective import point_metrics, task_metrics
from sabio.algorithms._task import BINARY, MULTICLASS

__all__ = ["custom_metric", "native_name"]

_TO_NATIVE = {"roc_auc": "auc", "pr_auc": "aucpr"}


def native_name(canonical: str, task: str) -> str:
    """XGBoost's (or SageMaker's custom) spelling of a metric for ``task``."""
    if canonical == "log_loss":
        return "mlogloss" if task == MULTICLASS else "logloss"
    if canonical == "error":
        return "merror" if task == MULTICLASS else "error"
    return _TO_NATIVE.get(canonical, canonical)


def _scores(predt: Any, n: int, task: str, objective: str) -> Arr:
    values = np.asarray(predt, dtype=np.float64)
    if task == MULTICLASS:
        if values.size == n:  # multi:softmax hands over class indices
            k = int(values.max()) + 1
            return np.eye(max(k, 2))[values.astype(np.int64)]
        return values.reshape(n, -1)
    if task == BINARY and objective == "binary:logitraw":
        return 1.0 / (1.0 + np.exp(-values))
    return values.reshape(n)


def custom_metric(
    names: list[str], task: str, objective: str
) -> Callable[[Any, Any], list[tuple[str, float]]]:
    """Build XGBoost's ``custom_metric`` computing ``names`` (threshold 0.5 for binary).

    Raises:
        HyperparameterError: a metric that does not apply to ``task`` (e.g. r2 for a classifier).
    """
    available = task_metrics(task)
    for name in names:
        if ALIASES.get(name, name) not in available:
            raise HyperparameterError(
                f"eval_metric {name!r} does not apply to a {task}: expected one of "
                f"{', '.join(sorted(available))} (or XGBoost's own metrics)."
            )

    def metric(predt: Any, dmatrix: Any) -> list[tuple[str, float]]:
        y = np.asarray(dmatrix.get_label(), dtype=np.float64)
        scores = _scores(predt, len(y), task, objective)
        if task == MULTICLASS:
            y = y.astype(np.int64)
        values = point_metrics(task, y, scores, 0.5)
        return [(name, float(values[ALIASES.get(name, name)][0])) for name in names]

    return metric
