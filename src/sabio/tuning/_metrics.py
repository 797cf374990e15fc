"""Which metrics a trial can report, and checking the objective against them.

Built-ins report ``<channel>:<metric>`` for every metric of their task, and any metric
named by ``_tuning_objective_metric``; script-mode jobs report what their
``metric_definitions`` extract (and what they log through ``sabio.runtime``).
"""

from __future__ import annotations

from typing import Any

from sabio.exceptions import ValidationError, did_you_mean

__all__ = ["builtin_metric_names", "check_objective_metric", "reported_metric_names"]

_CHANNELS = ("train", "validation", "test")
_METRICS = (
    # regression
    "mse",
    "rmse",
    "mae",
    "r2",
    "mape",
    # classification
    "accuracy",
    "error",
    "precision",
    "recall",
    "specificity",
    "f1",
    "balanced_accuracy",
    "auc",
    "aucpr",
    "logloss",
    "roc_auc",
    "pr_auc",
    "log_loss",
    "mlogloss",
    "merror",
    # per-epoch loss of the neural networks
    "loss",
)
#: Metrics only XGBoost computes (its ``eval_metric`` names).
_XGBOOST_NATIVE = (
    "rmsle",
    "mphe",
    "poisson-nloglik",
    "gamma-nloglik",
    "gamma-deviance",
    "tweedie-nloglik",
    "cox-nloglik",
    "ndcg",
    "map",
    "aft-nloglik",
)


def builtin_metric_names(module: str) -> list[str]:
    """The objective metrics a built-in (``sabio.algorithms.<name>``) can report."""
    metrics = list(_METRICS)
    if module.endswith(".xgboost"):
        metrics += _XGBOOST_NATIVE
    return [f"{channel}:{metric}" for channel in _CHANNELS for metric in metrics]


def reported_metric_names(definition: dict[str, Any]) -> list[str]:
    """The metrics a job of this training definition reports (as far as can be known)."""
    module = definition.get("builtin_module")
    if module and not definition.get("entry_point"):
        return builtin_metric_names(module)
    return [str(d["Name"]) for d in definition.get("metric_definitions") or []]


def check_objective_metric(name: str, definition: dict[str, Any], tuning_job: str) -> None:
    """Refuse an objective metric the trials will not report.

    A script-mode job without ``metric_definitions`` may still report structured metrics
    (``sabio.runtime.log_metric``), so its objective is only checked once a trial ends.

    Raises:
        ValidationError: the metric is not among the job's metrics (the message lists them).
    """
    known = reported_metric_names(definition)
    if not known:
        return
    module = definition.get("builtin_module")
    if module and not definition.get("entry_point"):
        channel, _, metric = name.partition(":")
        # XGBoost metrics such as 'error@0.7' or 'ndcg@5' take a parameter after '@'.
        if f"{channel}:{metric.partition('@')[0]}" in known:
            return
        where = f"the built-in {module.rsplit('.', 1)[-1]!r} reports"
    else:
        if name in known:
            return
        where = "the job's metric_definitions extract"
    hint = did_you_mean(name, known)
    raise ValidationError(
        f"Unknown objective metric {name!r} for tuning job {tuning_job!r}.{hint}"
        f" {where[0].upper()}{where[1:]}: {', '.join(known)}."
        + (
            " Add a metric definition {'Name': ..., 'Regex': ...} for it."
            if not module or definition.get("entry_point")
            else ""
        )
    )
