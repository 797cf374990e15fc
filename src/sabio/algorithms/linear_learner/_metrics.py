"""SageMaker Linear Learner's own metrics (its tuning objectives), computed on each channel.

Names as SageMaker's Linear Learner reports them (``validation:binary_f_beta``,
``test:objective_loss`` ...): regressors report ``objective_loss``, ``mse``, ``rmse`` and
``absolute_loss``; binary classifiers ``objective_loss`` (logistic loss),
``binary_classification_accuracy``, ``binary_f_beta`` (``f_beta``, default 1), ``precision``,
``recall`` and ``roc_auc_score``; multi-class classifiers ``objective_loss`` (softmax loss),
``multiclass_accuracy``, ``multiclass_top_k_accuracy`` (``accuracy_top_k``, default 3),
``macro_f_beta``, ``macro_precision``, ``macro_recall`` and ``dcg``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sabio.algorithms._metrics import Arr, auc_ap
from sabio.algorithms._task import BINARY, MULTICLASS, REGRESSOR

__all__ = ["METRICS", "linear_learner_metrics"]

#: Every metric name, per predictor type.
METRICS = {
    REGRESSOR: ("objective_loss", "mse", "rmse", "absolute_loss"),
    BINARY: (
        "objective_loss", "binary_classification_accuracy", "binary_f_beta", "precision",
        "recall", "roc_auc_score",
    ),
    MULTICLASS: (
        "objective_loss", "multiclass_accuracy", "multiclass_top_k_accuracy", "macro_f_beta",
        "macro_precision", "macro_recall", "dcg",
    ),
}  # fmt: skip
_EPS = 1e-15


def _f_beta(precision: float, recall: float, beta: float) -> float:
    b2 = beta * beta
    denominator = b2 * precision + recall
    return float((1 + b2) * precision * recall / denominator) if denominator > 0 else 0.0


def _regression(y: Arr, scores: Arr, hps: dict[str, Any]) -> dict[str, float]:
    error = scores - y
    mse = float(np.mean(error**2))
    absolute = float(np.mean(np.abs(error)))
    loss = hps.get("loss")
    if loss == "absolute_loss":
        objective = absolute
    elif loss == "huber_loss":
        delta = float(hps.get("huber_delta") or 1.0)
        small = np.abs(error) <= delta
        huber = np.where(small, 0.5 * error**2, delta * (np.abs(error) - 0.5 * delta))
        objective = float(np.mean(huber))
    else:
        objective = mse
    return {"objective_loss": objective, "mse": mse, "rmse": mse**0.5, "absolute_loss": absolute}


def _binary(y: Arr, prob: Arr, threshold: float, hps: dict[str, Any]) -> dict[str, float]:
    predicted = prob >= threshold
    positive = y == 1
    tp = float(np.sum(predicted & positive))
    fp = float(np.sum(predicted & ~positive))
    fn = float(np.sum(~predicted & positive))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    p = np.clip(prob, _EPS, 1 - _EPS)
    loss = float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
    auc, _ = auc_ap(y, prob, np.ones((1, len(y))))
    return {
        "objective_loss": loss,
        "binary_classification_accuracy": float(np.mean(predicted == positive)),
        "binary_f_beta": _f_beta(precision, recall, float(hps.get("f_beta") or 1.0)),
        "precision": precision,
        "recall": recall,
        "roc_auc_score": float(auc[0]),
    }


def _multiclass(y: npt.NDArray[np.int64], prob: Arr, hps: dict[str, Any]) -> dict[str, float]:
    k = prob.shape[1]
    predicted = np.argmax(prob, axis=1)
    precisions, recalls = [], []
    for cls in range(k):
        tp = float(np.sum((predicted == cls) & (y == cls)))
        chosen, actual = float(np.sum(predicted == cls)), float(np.sum(y == cls))
        precisions.append(tp / chosen if chosen else 0.0)
        recalls.append(tp / actual if actual else 0.0)
    precision, recall = float(np.mean(precisions)), float(np.mean(recalls))
    top_k = min(int(hps.get("accuracy_top_k") or 3), k)
    order = np.argsort(-prob, axis=1)
    rank = np.argmax(order == y[:, None], axis=1) + 1  # 1 = the true class scored highest
    p = np.clip(prob[np.arange(len(y)), y], _EPS, 1.0)
    beta = float(hps.get("f_beta") or 1.0)
    return {
        "objective_loss": float(np.mean(-np.log(p))),
        "multiclass_accuracy": float(np.mean(predicted == y)),
        "multiclass_top_k_accuracy": float(np.mean(rank <= top_k)),
        "macro_f_beta": float(
            np.mean([_f_beta(a, b, beta) for a, b in zip(precisions, recalls, strict=True)])
        ),
        "macro_precision": precision,
        "macro_recall": recall,
        "dcg": float(np.mean(1.0 / np.log2(1.0 + rank))),
    }


def linear_learner_metrics(
    task: str, y: npt.NDArray[Any], scores: Arr, threshold: float, hps: dict[str, Any]
) -> dict[str, float]:
    """Linear Learner's metrics of predictions ``scores`` of labels ``y`` (class indices for
    classifiers)."""
    if task == REGRESSOR:
        return _regression(y.astype(np.float64), scores, hps)
    if task == BINARY:
        return _binary(y.astype(np.float64), scores, threshold, hps)
    return _multiclass(y.astype(np.int64), scores, hps)
