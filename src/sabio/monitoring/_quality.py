"""Model-quality statistics, constraints and checks in SageMaker Model Monitor's formats.

A baseline (predictions with ground truth) gives ``statistics.json`` with the problem
type's metrics (``binary_classification_metrics``, ``multiclass_classification_metrics`` or
``regression_metrics``: ``{"<metric>": {"value", "standard_deviation"}}``) and
``constraints.json`` with one threshold per metric: the baseline's value, with
``LessThanThreshold`` for metrics where higher is better and ``GreaterThanThreshold`` for
errors. A period violates a constraint when its metric is on the wrong side of the threshold.
The standard deviation is the bootstrap's (200 resamples, seed 0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["PROBLEM_TYPES", "check_quality", "quality_constraints", "quality_statistics"]

PROBLEM_TYPES = ("BinaryClassification", "MulticlassClassification", "Regression")
_SECTION = {
    "BinaryClassification": "binary_classification",
    "MulticlassClassification": "multiclass_classification",
    "Regression": "regression",
}
#: Errors: lower is better (a constraint fires when the period's value is above).
_LOWER_IS_BETTER = frozenset({"mae", "mse", "rmse", "false_positive_rate", "false_negative_rate"})


def _binary(truth: np.ndarray, label: np.ndarray, score: np.ndarray | None) -> dict[str, float]:
    from sklearn import metrics

    tp = float(((label == 1) & (truth == 1)).sum())
    fp = float(((label == 1) & (truth == 0)).sum())
    fn = float(((label == 0) & (truth == 1)).sum())
    tn = float(((label == 0) & (truth == 0)).sum())
    values = {
        "accuracy": float(metrics.accuracy_score(truth, label)),
        "precision": float(metrics.precision_score(truth, label, zero_division=0)),
        "recall": float(metrics.recall_score(truth, label, zero_division=0)),
        "f1": float(metrics.f1_score(truth, label, zero_division=0)),
        "true_positive_rate": tp / (tp + fn) if tp + fn else 0.0,
        "true_negative_rate": tn / (tn + fp) if tn + fp else 0.0,
        "false_positive_rate": fp / (fp + tn) if fp + tn else 0.0,
        "false_negative_rate": fn / (fn + tp) if fn + tp else 0.0,
    }
    if score is not None and len(np.unique(truth)) == 2:
        values["auc"] = float(metrics.roc_auc_score(truth, score))
        values["pr_auc"] = float(metrics.average_precision_score(truth, score))
    return values


def _multiclass(truth: np.ndarray, label: np.ndarray) -> dict[str, float]:
    from sklearn import metrics

    return {
        "accuracy": float(metrics.accuracy_score(truth, label)),
        "weighted_f1": float(metrics.f1_score(truth, label, average="weighted", zero_division=0)),
        "weighted_precision": float(
            metrics.precision_score(truth, label, average="weighted", zero_division=0)
        ),
        "weighted_recall": float(
            metrics.recall_score(truth, label, average="weighted", zero_division=0)
        ),
    }


def _regression(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    from sklearn import metrics

    mse = float(metrics.mean_squared_error(truth, predicted))
    values = {
        "mae": float(metrics.mean_absolute_error(truth, predicted)),
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
    }
    if len(truth) > 1:
        values["r2"] = float(metrics.r2_score(truth, predicted))
    return values


def _metrics(
    problem_type: str, truth: np.ndarray, predicted: np.ndarray, score: np.ndarray | None
) -> dict[str, float]:
    if problem_type == "BinaryClassification":
        return _binary(truth.astype(int), predicted.astype(int), score)
    if problem_type == "MulticlassClassification":
        return _multiclass(truth.astype(str), predicted.astype(str))
    return _regression(truth.astype(float), predicted.astype(float))


def quality_statistics(
    problem_type: str, truth: np.ndarray, predicted: np.ndarray, score: np.ndarray | None = None
) -> dict[str, Any]:
    """``statistics.json`` of predictions against ground truth."""
    values = _metrics(problem_type, truth, predicted, score)
    rng = np.random.default_rng(0)
    draws: dict[str, list[float]] = {name: [] for name in values}
    n = len(truth)
    measure: Callable[[np.ndarray], dict[str, float]] = lambda idx: _metrics(  # noqa: E731
        problem_type, truth[idx], predicted[idx], None if score is None else score[idx]
    )
    for _ in range(200 if n > 1 else 0):
        try:
            sample = measure(rng.integers(0, n, n))
        except ValueError:  # a resample with one class has no AUC
            continue
        for name, value in sample.items():
            draws[name].append(value)
    return {
        "version": 0.0,
        "dataset": {"item_count": n},
        f"{_SECTION[problem_type]}_metrics": {
            name: {
                "value": value,
                "standard_deviation": float(np.std(draws[name])) if draws[name] else 0.0,
            }
            for name, value in values.items()
        },
    }


def quality_constraints(statistics: dict[str, Any], problem_type: str) -> dict[str, Any]:
    """``constraints.json`` suggested from baseline statistics: each metric's baseline value."""
    section = _SECTION[problem_type]
    return {
        "version": 0.0,
        f"{section}_constraints": {
            name: {
                "threshold": metric["value"],
                "comparison_operator": (
                    "GreaterThanThreshold" if name in _LOWER_IS_BETTER else "LessThanThreshold"
                ),
            }
            for name, metric in statistics[f"{section}_metrics"].items()
        },
    }


def check_quality(
    statistics: dict[str, Any], constraints: dict[str, Any], problem_type: str
) -> list[dict[str, str]]:
    """The violations of a period's metrics (``metric_name``, ``constraint_check_type``: the
    comparison operator, ``description``)."""
    section = _SECTION[problem_type]
    values = statistics.get(f"{section}_metrics", {})
    violations = []
    for name, rule in constraints.get(f"{section}_constraints", {}).items():
        if name not in values:
            continue
        value, threshold = values[name]["value"], float(rule["threshold"])
        operator = rule.get("comparison_operator", "LessThanThreshold")
        broken = {
            "LessThanThreshold": value < threshold,
            "GreaterThanThreshold": value > threshold,
            "LessThanOrEqualToThreshold": value <= threshold,
            "GreaterThanOrEqualToThreshold": value >= threshold,
        }.get(operator, False)
        if broken:
            violations.append(
                {
                    "constraint_check_type": operator,
                    "description": f"Metric {name} with {value:.6g} was {operator} '{threshold}'",
                    "metric_name": name,
                }
            )
    return violations
