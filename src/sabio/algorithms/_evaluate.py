"""The evaluation of a trained built-in: headline metrics with bootstrap 95% intervals,
the confusion matrix at the chosen threshold, and per-subgroup metrics.

The JSON layout follows SageMaker's model-quality reports (``regression_metrics`` /
``binary_classification_metrics`` / ``multiclass_classification_metrics``, each metric with
``value`` and ``standard_deviation``), so pipeline conditions written for SageMaker
(``JsonGet(..., json_path="regression_metrics.r2.value")``) work unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sabio.algorithms._metrics import (
    Arr,
    binary_metrics,
    bootstrap,
    multiclass_metrics,
    regression_metrics,
)
from sabio.algorithms._task import BINARY, MULTICLASS, REGRESSOR

__all__ = [
    "SUBGROUP_METRICS",
    "EvalInput",
    "evaluate",
    "metric_values",
    "per_class_metrics",
    "section_name",
]

RESAMPLES = 200
SEED = 0

#: Metrics shown per subgroup.
SUBGROUP_METRICS = {
    REGRESSOR: ("rmse", "mae", "r2"),
    BINARY: ("accuracy", "recall", "specificity", "roc_auc"),
    MULTICLASS: ("accuracy", "f1", "roc_auc"),
}


@dataclass
class EvalInput:
    """What is evaluated.

    Attributes:
        task: predictor type.
        y: true values (regression) or class indices (classification).
        scores: predictions, positive-class probabilities (binary) or ``(n, k)`` probabilities.
        classes: class labels (classification).
        threshold: decision threshold for the binary confusion matrix.
        threshold_source: where the threshold was chosen, in words.
        raw_features: the rows' raw feature values (for subgroups).
        dataset: which data this is (``test``, ``validation`` ...).
    """

    task: str
    y: npt.NDArray[Any]
    scores: Arr
    classes: list[Any] | None
    threshold: float = 0.5
    threshold_source: str = "default 0.5"
    raw_features: pd.DataFrame | None = None
    dataset: str = "test"
    warnings: list[str] = field(default_factory=list)


def section_name(task: str) -> str:
    """Key of the metrics section, as in SageMaker's model-quality reports."""
    return {
        REGRESSOR: "regression_metrics",
        BINARY: "binary_classification_metrics",
        MULTICLASS: "multiclass_classification_metrics",
    }[task]


def metric_values(inp: EvalInput, w: Arr) -> dict[str, Arr]:
    """All metrics of ``inp`` for each weighting row of ``w``."""
    if inp.task == REGRESSOR:
        return regression_metrics(inp.y.astype(np.float64), inp.scores, w)
    if inp.task == BINARY:
        return binary_metrics(inp.y.astype(np.float64), inp.scores, inp.threshold, w)
    return multiclass_metrics(inp.y.astype(np.int64), inp.scores, w)


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _summaries(inp: EvalInput, rows: npt.NDArray[np.int64] | None = None) -> dict[str, Any]:
    sub = inp if rows is None else _subset(inp, rows)
    n = len(sub.y)
    point = metric_values(sub, np.ones((1, n)))
    boots = bootstrap(lambda w: metric_values(sub, w), n, resamples=RESAMPLES, seed=SEED)
    result: dict[str, Any] = {}
    for name, value in point.items():
        samples = boots[name][np.isfinite(boots[name])]
        low, high = np.percentile(samples, [2.5, 97.5]) if len(samples) else (np.nan, np.nan)
        result[name] = {
            "value": _number(float(value[0])),
            "standard_deviation": _number(float(np.std(samples))) if len(samples) else None,
            "ci_lower": _number(float(low)),
            "ci_upper": _number(float(high)),
        }
    return result


def _subset(inp: EvalInput, rows: npt.NDArray[np.int64]) -> EvalInput:
    return EvalInput(
        inp.task, inp.y[rows], inp.scores[rows], inp.classes, inp.threshold, dataset=inp.dataset
    )


def _confusion(inp: EvalInput) -> dict[str, dict[str, int]]:
    labels = [str(c) for c in inp.classes or []]
    if inp.task == BINARY:
        predicted = (inp.scores >= inp.threshold).astype(np.int64)
    else:
        predicted = np.argmax(inp.scores, axis=1)
    k = len(labels)
    matrix = np.zeros((k, k), dtype=np.int64)
    np.add.at(matrix, (inp.y.astype(np.int64), predicted), 1)
    return {labels[i]: {labels[j]: int(matrix[i, j]) for j in range(k)} for i in range(k)}


def per_class_metrics(inp: EvalInput) -> dict[str, dict[str, float | int]]:
    """Precision, recall, F1 and support of each class (multiclass models)."""
    labels = [str(c) for c in inp.classes or []]
    k = len(labels)
    truth = inp.y.astype(np.int64)
    predicted = np.argmax(inp.scores, axis=1)
    matrix = np.zeros((k, k), dtype=np.int64)
    np.add.at(matrix, (truth, predicted), 1)
    result: dict[str, dict[str, float | int]] = {}
    for i, label in enumerate(labels):
        tp, support, flagged = matrix[i, i], matrix[i].sum(), matrix[:, i].sum()
        precision = float(tp / flagged) if flagged else 0.0
        recall = float(tp / support) if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": int(support),
        }
    return result


def subgroup_labels(values: pd.Series) -> pd.Series:
    """Group label of each row: the value itself, or a quartile range for many-valued numbers."""
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().all() and numeric.nunique() > 10:
        bins = pd.qcut(numeric, q=4, duplicates="drop")
        return bins.map(lambda b: f"{b.left:g} to {b.right:g}").astype(str)
    return values.map(lambda v: "missing" if pd.isna(v) else str(v))


def evaluate(inp: EvalInput, subgroup_columns: list[str], algorithm: str) -> dict[str, Any]:
    """Build the ``evaluation.json`` document."""
    section: dict[str, Any] = _summaries(inp)
    doc: dict[str, Any] = {
        "algorithm": algorithm,
        "predictor_type": inp.task,
        "dataset": inp.dataset,
        "n_rows": len(inp.y),
        section_name(inp.task): section,
        "bootstrap": {"resamples": RESAMPLES, "seed": SEED, "confidence": 0.95},
    }
    if inp.task != REGRESSOR:
        section["confusion_matrix"] = _confusion(inp)
        doc["classes"] = inp.classes
        counts = np.bincount(inp.y.astype(np.int64), minlength=len(inp.classes or []))
        doc["class_counts"] = {
            str(c): int(n) for c, n in zip(inp.classes or [], counts, strict=True)
        }
    if inp.task == MULTICLASS:
        doc["per_class"] = per_class_metrics(inp)
    if inp.task == BINARY:
        doc["positive_class"] = (inp.classes or [None, None])[1]
        doc["threshold"] = {"value": inp.threshold, "chosen_on": inp.threshold_source}
    doc["subgroups"] = _subgroups(inp, subgroup_columns)
    doc["warnings"] = list(inp.warnings)
    return doc


def _subgroups(inp: EvalInput, columns: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if inp.raw_features is None:
        return result
    keep = SUBGROUP_METRICS[inp.task]
    for column in columns:
        labels = subgroup_labels(inp.raw_features[column]).to_numpy()
        groups: dict[str, Any] = {}
        for label in sorted(set(labels.tolist()), key=str):
            rows = np.flatnonzero(labels == label)
            metrics = _summaries(inp, rows)
            groups[str(label)] = {
                "n": len(rows),
                "metrics": {name: metrics[name] for name in keep},
            }
            if inp.task == BINARY:
                groups[str(label)]["positive_rate"] = float(np.mean(inp.y[rows] == 1))
        result[column] = groups
    return result
