"""Training the XGBoost built-in: parameters, metric lines, early stopping, the saved model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from sabio.algorithms._errors import HyperparameterError
from sabio.algorithms._metrics import ALIASES, Arr
from sabio.algorithms._objective import Objective
from sabio.algorithms._program import TrainContext
from sabio.algorithms._task import BINARY, MULTICLASS
from sabio.algorithms.xgboost._metrics import custom_metric, native_name
from sabio.algorithms.xgboost._params import (
    AUTO_EARLY_STOPPING,
    AUTO_MAX_ROUNDS,
    AUTO_ROUNDS,
    CUSTOM_METRICS,
    IMBALANCED_PREVALENCE,
    MAXIMISED,
    default_objective,
)
from sabio.runtime import log_metric

__all__ = ["MODEL_FILE", "XGBoostModel", "scores_from_booster", "train"]

MODEL_FILE = "xgboost-model"

_PASS_THROUGH = (
    "alpha", "base_score", "booster", "colsample_bylevel", "colsample_bynode", "colsample_bytree",
    "eta", "gamma", "grow_policy", "interaction_constraints", "lambda", "max_bin",
    "max_delta_step", "max_depth", "max_leaves", "min_child_weight", "monotone_constraints",
    "normalize_type", "num_parallel_tree", "one_drop", "process_type", "rate_drop",
    "refresh_leaf", "sample_type", "scale_pos_weight", "seed", "skip_drop", "subsample",
    "tweedie_variance_power", "huber_slope", "updater", "verbosity",
)  # fmt: skip


def feature_names(names: list[str]) -> list[str]:
    """XGBoost forbids '[', ']' and '<' in feature names; keep names unique."""
    cleaned: list[str] = []
    for name in names:
        text = "".join("_" if ch in "[]<" else ch for ch in name) or "f"
        while text in cleaned:
            text += "_"
        cleaned.append(text)
    return cleaned


def scores_from_booster(booster: Any, x: Arr, objective: str) -> Arr:
    """Regression values, positive-class probabilities or class probabilities."""
    import xgboost as xgb

    matrix = xgb.DMatrix(x, missing=np.nan, feature_names=booster.feature_names)
    if objective == "multi:softmax":
        margin = np.asarray(booster.predict(matrix, output_margin=True), dtype=np.float64)
        margin = margin - margin.max(axis=1, keepdims=True)
        exp = np.exp(margin)
        probabilities: Arr = exp / exp.sum(axis=1, keepdims=True)
        return probabilities
    raw = np.asarray(booster.predict(matrix), dtype=np.float64)
    if objective == "binary:logitraw":
        return 1.0 / (1.0 + np.exp(-raw))
    if objective == "binary:hinge":
        return np.clip(raw, 0.0, 1.0)
    return raw


class XGBoostModel:
    """A trained booster plus what the program needs from it."""

    def __init__(self, booster: Any, objective: str, final: dict[str, float], steps: int):
        self.booster = booster
        self.objective = objective
        self.final_metrics = final
        self.steps = steps
        self.holdout: tuple[Arr, Arr] | None = None

    def predict(self, x: Arr) -> Arr:
        """See :class:`sabio.algorithms._program.Fitted`."""
        return scores_from_booster(self.booster, x, self.objective)

    def save(self, model_dir: Path) -> list[str]:
        """Write ``xgboost-model`` as JSON (loadable by ``xgboost.Booster().load_model``)."""
        (model_dir / MODEL_FILE).write_bytes(bytes(self.booster.save_raw(raw_format="json")))
        return [MODEL_FILE]


class _MetricLogger:
    """Prints SageMaker-style metric lines and reports each value on the metric channel."""

    def __init__(self) -> None:
        import xgboost as xgb

        class Callback(xgb.callback.TrainingCallback):
            def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
                parts = []
                for data, metrics in evals_log.items():
                    for metric, values in metrics.items():
                        value = float(values[-1])
                        parts.append(f"{data}-{metric}:{value:.5f}")
                        log_metric(f"{data}:{metric}", value, step=epoch)
                print(f"[{epoch}]\t" + "\t".join(parts), flush=True)
                return False

        self.callback = Callback()


def _metrics(
    hps: dict[str, Any], task: str, objective: Objective | None
) -> tuple[list[str], list[str]]:
    """(native metrics for XGBoost, custom metrics computed here); the objective goes last."""
    names = list(hps["eval_metric"])
    if objective is not None:
        wanted = native_name(ALIASES.get(objective.metric, objective.metric), task)
        names = [n for n in names if n != wanted] + [wanted]
    custom = [n for n in names if n in CUSTOM_METRICS]
    return [n for n in names if n not in CUSTOM_METRICS], custom


def train(ctx: TrainContext) -> XGBoostModel:
    """Train a booster on the prepared data (see :mod:`sabio.algorithms.xgboost`)."""
    import xgboost as xgb

    hps, data = ctx.hps, ctx.data
    hps = _auto_defaults(hps, data.train.y, data.task, data.validation is not None)
    objective = hps.get("objective") or default_objective(data.task)
    params: dict[str, Any] = {k: hps[k] for k in _PASS_THROUGH if hps.get(k) is not None}
    params["objective"] = "reg:squarederror" if objective == "reg:linear" else objective
    params["tree_method"] = "hist" if hps["tree_method"] == "gpu_hist" else hps["tree_method"]
    params["nthread"] = hps.get("nthread") or ctx.env.num_cpus
    if data.task == MULTICLASS:
        if hps.get("num_class") not in (None, data.n_classes):
            raise HyperparameterError(
                f"Hyperparameter num_class={hps['num_class']} but the training label has "
                f"{data.n_classes} classes: {data.encoding.classes if data.encoding else []}."
            )
        params["num_class"] = data.n_classes
    native, custom = _metrics(hps, data.task, ctx.objective)
    if native:
        params["eval_metric"] = native
    names = feature_names(data.preprocessor.feature_names)
    dtrain = xgb.DMatrix(data.train.x, label=data.train.y, missing=np.nan, feature_names=names)
    evals = [(dtrain, "train")]
    if data.validation is not None:
        evals.append(
            (
                xgb.DMatrix(
                    data.validation.x, label=data.validation.y, missing=np.nan, feature_names=names
                ),
                "validation",
            )
        )
    callbacks: list[Any] = [_MetricLogger().callback]
    stopper = _early_stopping(
        hps, data.validation is not None, native + custom, ctx.objective, data.task
    )
    if stopper is not None:
        callbacks.append(stopper)
    history: dict[str, Any] = {}
    try:
        booster = xgb.train(
            params,
            dtrain,
            num_boost_round=hps["num_round"],
            evals=evals,
            evals_result=history,
            verbose_eval=False,
            callbacks=callbacks,
            custom_metric=custom_metric(custom, data.task, objective) if custom else None,
        )
    except xgb.core.XGBoostError as exc:
        # XGBoost validates some settings itself (constraints, updaters ...): the user's to fix.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise HyperparameterError(f"XGBoost rejected the hyperparameters: {first}") from None
    best = booster.num_boosted_rounds() - 1
    if stopper is not None:
        print(f"Early stopping kept {best + 1} rounds (best round {best}).", file=sys.stderr)
    final = {
        f"{split}:{metric}": float(values[min(best, len(values) - 1)])
        for split, metrics in history.items()
        for metric, values in metrics.items()
    }
    return XGBoostModel(booster, objective, final, best)


def _auto_defaults(hps: dict[str, Any], y: Arr, task: str, has_validation: bool) -> dict[str, Any]:
    """Fill in what the user left out: the number of rounds and, for rare positives, the
    metric early stopping watches.

    Without ``num_round``, boosting runs until the validation score has not improved for
    ``AUTO_EARLY_STOPPING`` rounds (at most ``AUTO_MAX_ROUNDS``), which adapts the model's
    size to the data instead of guessing it; with no validation data it runs ``AUTO_ROUNDS``.
    For a binary label with positives rarer than ``IMBALANCED_PREVALENCE``, log loss and ROC
    AUC are dominated by the easy negatives, so the default ``eval_metric`` is ``aucpr``
    (precision-recall), the measure such problems are judged by.
    """
    hps = dict(hps)
    if task == BINARY and not hps["eval_metric"] and len(y):
        prevalence = float(np.mean(np.asarray(y, dtype=np.float64) == 1.0))
        rarer = min(prevalence, 1.0 - prevalence)
        if rarer < IMBALANCED_PREVALENCE:
            hps["eval_metric"] = ["aucpr"]
            print(
                f"eval_metric defaults to aucpr: the rarer class is {rarer:.1%} of the rows.",
                file=sys.stderr,
            )
    if hps.get("num_round") is None:
        if has_validation:
            hps["num_round"] = AUTO_MAX_ROUNDS
            if hps.get("early_stopping_rounds") is None:
                hps["early_stopping_rounds"] = AUTO_EARLY_STOPPING
            note = (
                f"up to {AUTO_MAX_ROUNDS} rounds, stopping after "
                f"{hps['early_stopping_rounds']} rounds without a better validation score"
            )
        else:
            hps["num_round"] = AUTO_ROUNDS
            note = f"{AUTO_ROUNDS} rounds (add a validation channel to stop early instead)"
        print(f"num_round not given: {note}.", file=sys.stderr)
    return hps


def _early_stopping(
    hps: dict[str, Any],
    has_validation: bool,
    metrics: list[str],
    objective: Objective | None,
    task: str,
) -> Any:
    import xgboost as xgb

    rounds = hps.get("early_stopping_rounds")
    if rounds is None:
        return None
    if not has_validation:
        raise HyperparameterError(
            "Hyperparameter 'early_stopping_rounds' needs a 'validation' channel to watch; "
            "add one or remove early_stopping_rounds."
        )
    name = metrics[-1] if metrics else None
    if objective is not None:
        name = native_name(ALIASES.get(objective.metric, objective.metric), task)
    maximize = None if name is None else name.partition("@")[0] in MAXIMISED
    return xgb.callback.EarlyStopping(
        rounds=rounds, metric_name=name, data_name="validation", maximize=maximize, save_best=True
    )
