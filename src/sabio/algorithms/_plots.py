"""Plots of the evaluation report, rendered headless (Agg) to inline base64 PNG."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np

from sabio.algorithms._evaluate import EvalInput
from sabio.algorithms._metrics import Arr
from sabio.algorithms._task import BINARY, REGRESSOR

__all__ = ["report_plots"]


def _figure(width: float = 5.0, height: float = 4.0) -> Any:
    # The Figure API (not pyplot) keeps no global state and needs no display.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=90, layout="constrained")


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _roc(y: Arr, score: Arr) -> tuple[Arr, Arr]:
    order = np.argsort(-score, kind="mergesort")
    s, yy = score[order], y[order]
    last = np.r_[s[1:] != s[:-1], True]
    tp = np.cumsum(yy)[last]
    fp = np.cumsum(1.0 - yy)[last]
    total_pos, total_neg = max(tp[-1], 1.0), max(fp[-1], 1.0)
    return np.r_[0.0, fp / total_neg], np.r_[0.0, tp / total_pos]


def _calibration(y: Arr, prob: Arr, bins: int = 10) -> tuple[Arr, Arr, Arr]:
    index = np.minimum((prob * bins).astype(np.int64), bins - 1)
    counts = np.bincount(index, minlength=bins).astype(np.float64)
    mean_prob = np.bincount(index, weights=prob, minlength=bins)
    observed = np.bincount(index, weights=y, minlength=bins)
    used = counts > 0
    return mean_prob[used] / counts[used], observed[used] / counts[used], counts[used]


def _roc_plot(curves: list[tuple[str, Arr, Arr]]) -> str:
    fig = _figure()
    ax = fig.add_subplot()
    for name, fpr, tpr in curves:
        ax.plot(fpr, tpr, label=name)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="guessing")
    ax.set_xlabel("False alarm rate (1 - specificity)")
    ax.set_ylabel("Sensitivity (recall)")
    ax.set_title("ROC curve")
    ax.legend(loc="lower right", fontsize="small")
    return _png(fig)


def _calibration_plot(y: Arr, prob: Arr, xlabel: str) -> str:
    mean_prob, observed, counts = _calibration(y, prob)
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    ax.plot(mean_prob, observed, marker="o", label="model")
    for x, yv, n in zip(mean_prob, observed, counts, strict=True):
        ax.annotate(f"{int(n)}", (x, yv), fontsize=7, textcoords="offset points", xytext=(3, 3))
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.08)  # room for the bin counts at the top
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Observed frequency")
    ax.set_title("Calibration (numbers: cases per bin)")
    ax.legend(loc="upper left", fontsize="small")
    return _png(fig)


def _regression_plots(y: Arr, pred: Arr) -> dict[str, str]:
    fig = _figure(9.0, 4.0)
    left, right = fig.subplots(1, 2)
    low, high = float(min(y.min(), pred.min())), float(max(y.max(), pred.max()))
    left.scatter(y, pred, s=8, alpha=0.5)
    left.plot([low, high], [low, high], linestyle="--", color="grey")
    left.set_xlabel("Actual value")
    left.set_ylabel("Predicted value")
    left.set_title("Predicted vs actual")
    right.scatter(pred, y - pred, s=8, alpha=0.5)
    right.axhline(0.0, linestyle="--", color="grey")
    right.set_xlabel("Predicted value")
    right.set_ylabel("Error (actual - predicted)")
    right.set_title("Residuals")
    return {"Predicted values and their errors": _png(fig)}


def report_plots(inp: EvalInput) -> dict[str, str]:
    """Title → base64 PNG for each plot of the report."""
    if inp.task == REGRESSOR:
        return _regression_plots(inp.y.astype(np.float64), inp.scores)
    classes = [str(c) for c in inp.classes or []]
    if inp.task == BINARY:
        y = inp.y.astype(np.float64)
        fpr, tpr = _roc(y, inp.scores)
        return {
            "How sensitivity trades off against false alarms (ROC curve)": _roc_plot(
                [(f"model (positive = {classes[1]})", fpr, tpr)]
            ),
            "Do predicted probabilities match reality? (calibration)": _calibration_plot(
                y, inp.scores, f"Predicted probability of {classes[1]}"
            ),
        }
    truth = np.eye(len(classes))[inp.y.astype(np.int64)]
    curves = [(name, *_roc(truth[:, c], inp.scores[:, c])) for c, name in enumerate(classes)]
    top = np.argmax(inp.scores, axis=1)
    correct = (top == inp.y).astype(np.float64)
    return {
        "How sensitivity trades off against false alarms, per class (ROC)": _roc_plot(curves),
        "Is the model's confidence trustworthy? (calibration)": _calibration_plot(
            correct, inp.scores.max(axis=1), "Probability of the predicted class"
        ),
    }
