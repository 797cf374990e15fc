"""The linear learner built-in: model choice from the loss and penalties, and training."""

from __future__ import annotations

import sys
import warnings
from typing import Any

from sabio.algorithms._errors import DataError, HyperparameterError
from sabio.algorithms._program import Algorithm, TrainContext
from sabio.algorithms._sklearn import SklearnModel
from sabio.algorithms._task import MULTICLASS, REGRESSOR
from sabio.algorithms.linear_learner._metrics import METRICS, linear_learner_metrics
from sabio.algorithms.linear_learner._params import PARAMS, check

__all__ = ["ALGORITHM"]

_REGRESSION_LOSSES = ("auto", "squared_loss", "absolute_loss", "huber_loss")


def _class_weight(hps: dict[str, Any], task: str) -> Any:
    if task == MULTICLASS:
        return "balanced" if hps["balance_multiclass_weights"] else None
    text = str(hps["positive_example_weight_mult"]).strip().lower()
    if text in ("balanced", "auto"):
        return "balanced"
    try:
        weight = float(text)
    except ValueError:
        weight = -1.0
    if weight <= 0:
        raise HyperparameterError(
            "Hyperparameter 'positive_example_weight_mult' must be a positive number or "
            f"'balanced', got {hps['positive_example_weight_mult']!r}."
        )
    return None if weight == 1.0 else {0: 1.0, 1: weight}


def _regressor(hps: dict[str, Any], n: int) -> Any:
    from sklearn.linear_model import (
        ElasticNet,
        HuberRegressor,
        LinearRegression,
        QuantileRegressor,
        Ridge,
    )

    l1, wd, bias = hps["l1"], hps.get("wd") or 0.0, hps["use_bias"]
    loss = hps["loss"]
    if loss == "absolute_loss":
        return QuantileRegressor(quantile=0.5, alpha=l1, fit_intercept=bias, solver="highs")
    if loss == "huber_loss":
        return HuberRegressor(
            epsilon=max(1.0, hps["huber_delta"]), alpha=wd * n, fit_intercept=bias,
            max_iter=hps["max_iter"], tol=hps["tol"],
        )  # fmt: skip
    if l1 > 0:
        return ElasticNet(
            alpha=l1 + wd, l1_ratio=l1 / (l1 + wd), fit_intercept=bias,
            max_iter=hps["max_iter"], tol=hps["tol"], random_state=hps["seed"],
        )  # fmt: skip
    return (
        Ridge(alpha=wd * n, fit_intercept=bias) if wd > 0 else LinearRegression(fit_intercept=bias)
    )


def _classifier(hps: dict[str, Any], n: int, task: str) -> Any:
    from sklearn.linear_model import LogisticRegression

    l1 = hps["l1"]
    # 'auto' weight decay matches scikit-learn's default C=1.
    wd = hps["wd"] if hps.get("wd") is not None else 1.0 / n
    penalty = l1 + wd
    return LogisticRegression(
        C=float("inf") if penalty == 0 else 1.0 / (n * penalty),
        l1_ratio=0.0 if penalty == 0 else l1 / penalty,
        solver="saga" if l1 > 0 else "lbfgs",
        fit_intercept=hps["use_bias"],
        class_weight=_class_weight(hps, task),
        max_iter=hps["max_iter"],
        tol=hps["tol"],
        random_state=hps["seed"],
    )


def _validate(hps: dict[str, Any], task: str, n_classes: int, n_features: int) -> None:
    loss = hps["loss"]
    if task == REGRESSOR and loss not in _REGRESSION_LOSSES:
        raise HyperparameterError(
            f"Hyperparameter loss={loss!r} does not apply to a regressor: use squared_loss, "
            "absolute_loss or huber_loss."
        )
    if task != REGRESSOR and loss not in ("auto", "logistic", "softmax_loss"):
        raise HyperparameterError(
            f"Hyperparameter loss={loss!r} does not apply to a {task}: use logistic "
            "(binary) or softmax_loss (multiclass)."
        )
    if task == MULTICLASS and hps.get("num_classes") not in (None, n_classes):
        raise DataError(
            f"Hyperparameter num_classes={hps['num_classes']} but the training label has "
            f"{n_classes} classes."
        )
    if hps.get("feature_dim") not in (None, n_features):
        raise DataError(
            f"Hyperparameter feature_dim={hps['feature_dim']} but the training data has "
            f"{n_features} feature columns."
        )


def train(ctx: TrainContext) -> SklearnModel:
    """Fit the linear model on the prepared data."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.preprocessing import StandardScaler

    hps, data = ctx.hps, ctx.data
    _validate(hps, data.task, data.n_classes, len(data.preprocessor.columns))
    n = len(data.train.y)
    if data.task == REGRESSOR:
        estimator: Any = _regressor(hps, n)
        if hps.get("normalize_label") is not False:
            estimator = TransformedTargetRegressor(
                regressor=estimator, transformer=StandardScaler()
            )
    else:
        estimator = _classifier(hps, n, data.task)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        estimator.fit(data.train.x, data.train.y)
    for caught_warning in caught:
        if issubclass(caught_warning.category, ConvergenceWarning):
            print(
                f"Warning: the solver did not fully converge in max_iter={hps['max_iter']} "
                "iterations; raise max_iter or the penalties (wd, l1) if results look off.",
                file=sys.stderr,
            )
        else:
            print(f"Warning: {caught_warning.message}", file=sys.stderr)
    return SklearnModel(estimator, data.task)


ALGORITHM = Algorithm(
    name="linear_learner",
    params=PARAMS,
    train=train,
    check=check,
    impute=True,
    scale=lambda hps: bool(hps["normalize_data"]),
    native_metrics=frozenset(name for names in METRICS.values() for name in names),
    extra_metrics=linear_learner_metrics,
)
