"""Evaluation metrics computed for many bootstrap resamples at once.

Every metric takes a weight matrix ``w`` of shape ``(B, n)``: row ``b`` holds how many times
each example occurs in resample ``b`` (all ones for the plain estimate). Metrics are then
matrix products and cumulative sums, so 200 resamples cost about as much as a few plain
evaluations. Results match scikit-learn's definitions (ties in ROC-AUC count one half,
average precision without interpolation, zero division gives 0).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = [
    "ALIASES",
    "Arr",
    "binary_metrics",
    "bootstrap",
    "choose_threshold",
    "multiclass_metrics",
    "regression_metrics",
]

Arr = npt.NDArray[np.float64]
_EPS = 1e-15

#: Other names users (and XGBoost/SageMaker) use for the same metrics.
ALIASES = {
    "auc": "roc_auc",
    "aucpr": "pr_auc",
    "logloss": "log_loss",
    "mlogloss": "log_loss",
    "merror": "error",
    "f1_binary": "f1",
    "f1_macro": "f1",
    "precision_macro": "precision",
    "recall_macro": "recall",
    "roc_auc_macro": "roc_auc",
}


def _ratio(num: Arr, den: Arr) -> Arr:
    out: Arr = np.divide(num, den, out=np.zeros_like(num, dtype=np.float64), where=den > 0)
    return out


def regression_metrics(y: Arr, pred: Arr, w: Arr) -> dict[str, Arr]:
    """MSE, RMSE, MAE, R² and MAPE for each row of ``w``."""
    n = w.sum(axis=1)
    err = pred - y
    mse = (w @ err**2) / n
    mean = (w @ y) / n
    sst = w @ y**2 - n * mean**2
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(sst > 1e-12 * np.maximum(n, 1), 1.0 - mse * n / sst, np.nan)
    mape = (w @ (np.abs(err) / np.maximum(np.abs(y), np.finfo(np.float64).eps))) / n
    return {"mse": mse, "rmse": np.sqrt(mse), "mae": (w @ np.abs(err)) / n, "r2": r2, "mape": mape}


def _ranked(y: Arr, score: Arr, w: Arr) -> tuple[Arr, Arr, Arr]:
    """Per distinct score (descending): positive weight, negative weight, and the scores."""
    order = np.argsort(-score, kind="mergesort")
    s = score[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    ww = w[:, order]
    pos = np.add.reduceat(ww * y[order], starts, axis=1)
    neg = np.add.reduceat(ww * (1.0 - y[order]), starts, axis=1)
    return pos, neg, s[starts]


def auc_ap(y: Arr, score: Arr, w: Arr) -> tuple[Arr, Arr]:
    """ROC-AUC and average precision (PR-AUC) of a binary problem; NaN with one class."""
    pos, neg, _ = _ranked(y, score, w)
    tp = np.cumsum(pos, axis=1)
    fp = np.cumsum(neg, axis=1)
    total_pos, total_neg = tp[:, -1], fp[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (neg * (tp - pos + 0.5 * pos)).sum(axis=1) / (total_pos * total_neg)
        ap = (pos * _ratio(tp, tp + fp)).sum(axis=1) / total_pos
    valid = (total_pos > 0) & (total_neg > 0)
    return np.where(valid, auc, np.nan), np.where(total_pos > 0, ap, np.nan)


def binary_metrics(y: Arr, prob: Arr, threshold: float, w: Arr) -> dict[str, Arr]:
    """Threshold metrics, ROC-AUC, PR-AUC and log loss of positive-class probabilities."""
    n = w.sum(axis=1)
    predicted = (prob >= threshold).astype(np.float64)
    tp = w @ (predicted * y)
    fp = w @ (predicted * (1.0 - y))
    fn = w @ ((1.0 - predicted) * y)
    tn = n - tp - fp - fn
    p = np.clip(prob, _EPS, 1.0 - _EPS)
    loss = -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    auc, ap = auc_ap(y, prob, w)
    recall = _ratio(tp, tp + fn)
    specificity = _ratio(tn, tn + fp)
    return {
        "accuracy": (tp + tn) / n,
        "error": (fp + fn) / n,
        "precision": _ratio(tp, tp + fp),
        "recall": recall,
        "specificity": specificity,
        "f1": _ratio(2.0 * tp, 2.0 * tp + fp + fn),
        "balanced_accuracy": (recall + specificity) / 2.0,
        "roc_auc": auc,
        "pr_auc": ap,
        "log_loss": (w @ loss) / n,
    }


def multiclass_metrics(y: npt.NDArray[np.int64], prob: Arr, w: Arr) -> dict[str, Arr]:
    """Accuracy, macro precision/recall/F1, macro one-vs-rest ROC-AUC/PR-AUC and log loss."""
    n = w.sum(axis=1)
    k = prob.shape[1]
    truth = np.eye(k)[y]
    guess = np.eye(k)[np.argmax(prob, axis=1)]
    tp = w @ (truth * guess)
    fp = w @ ((1.0 - truth) * guess)
    fn = w @ (truth * (1.0 - guess))
    correct = (w @ (truth * guess).sum(axis=1)) / n
    precision = _ratio(tp, tp + fp).mean(axis=1)
    recall = _ratio(tp, tp + fn).mean(axis=1)
    f1 = _ratio(2.0 * tp, 2.0 * tp + fp + fn).mean(axis=1)
    per_class = [auc_ap(truth[:, c], prob[:, c], w) for c in range(k)]
    with np.errstate(all="ignore"):
        auc = np.nanmean(np.stack([a for a, _ in per_class]), axis=0)
        ap = np.nanmean(np.stack([p for _, p in per_class]), axis=0)
    picked = np.clip(prob[np.arange(len(y)), y], _EPS, 1.0)
    return {
        "accuracy": correct,
        "error": 1.0 - correct,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "roc_auc": auc,
        "pr_auc": ap,
        "log_loss": (w @ -np.log(picked)) / n,
    }


def bootstrap(
    compute: Callable[[Arr], dict[str, Arr]],
    n: int,
    *,
    resamples: int = 200,
    seed: int = 0,
    max_cells: int = 2_000_000,
) -> dict[str, Arr]:
    """Evaluate ``compute`` on ``resamples`` bootstrap weightings of ``n`` examples.

    Resamples are processed in chunks of at most ``max_cells`` weights to bound memory.
    """
    rng = np.random.default_rng(seed)
    chunk = max(1, min(resamples, max_cells // max(n, 1)))
    parts: list[dict[str, Arr]] = []
    done = 0
    while done < resamples:
        size = min(chunk, resamples - done)
        picks = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
        counts = np.bincount(picks.ravel(), minlength=size * n).reshape(size, n)
        parts.append(compute(counts.astype(np.float64)))
        done += size
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def choose_threshold(y: Arr, prob: Arr, metric: str) -> float:
    """Probability threshold that maximises ``metric`` on (validation) data.

    ``metric`` is ``f1``, ``accuracy``, ``balanced_accuracy`` or ``youden`` (sensitivity +
    specificity - 1); ``none`` returns 0.5. The threshold lies halfway between the chosen score
    and the next lower one, so it does not sit exactly on a training example.
    """
    if metric == "none" or len(np.unique(y)) < 2:
        return 0.5
    pos, neg, scores = _ranked(y, prob, np.ones((1, len(y))))
    tp, fp = np.cumsum(pos[0]), np.cumsum(neg[0])
    total_pos, total_neg = tp[-1], fp[-1]
    fn, tn = total_pos - tp, total_neg - fp
    if metric == "f1":
        value = 2 * tp / np.maximum(2 * tp + fp + fn, _EPS)
    elif metric == "accuracy":
        value = (tp + tn) / (total_pos + total_neg)
    else:
        value = tp / total_pos + tn / total_neg - (1.0 if metric == "youden" else 0.0)
    best = int(np.argmax(value))
    if best + 1 < len(scores):
        return float((scores[best] + scores[best + 1]) / 2.0)
    return float(scores[best])
