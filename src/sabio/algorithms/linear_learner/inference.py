"""SageMaker inference handlers of the linear learner built-in.

Requests hold raw feature rows (no label) as ``text/csv``, ``application/json``,
``application/jsonlines``, ``application/x-npy`` or ``application/x-recordio-protobuf``; answers
are SageMaker Linear Learner's exactly: ``application/json`` (also for ``Accept: */*`` or none)
``{"predictions": [{"score": ..., "predicted_label": ...}]}``, ``application/jsonlines`` one
such object per line, ``application/x-recordio-protobuf`` records with ``label["score"]`` and
``label["predicted_label"]``. ``application/json; verbose=true`` adds sabio's ``"labels"``
(the classes); ``text/csv`` and ``application/x-npy`` are sabio's (scores only).

Example:
    >>> from sabio.algorithms.linear_learner import inference  # doctest: +SKIP
    >>> model = inference.model_fn("model")  # doctest: +SKIP
    >>> rows = inference.input_fn("19,female,27.9,0,yes,southwest", "text/csv")  # doctest: +SKIP
    >>> inference.output_fn(inference.predict_fn(rows, model), "application/json")
    ... # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sabio.algorithms._serving import (
    Prediction,
    ServingModel,
    format_output,
    input_fn,
    predict_fn,
    read_meta,
)
from sabio.algorithms._sklearn import MODEL_FILE, load_model, predict_scores

__all__ = ["input_fn", "model_fn", "output_fn", "predict_fn"]


def output_fn(prediction: Prediction, accept: str | None) -> tuple[Any, str]:
    """Serialise as SageMaker's Linear Learner does (see the module docstring)."""
    return format_output(prediction, accept, sagemaker_json=True)


def model_fn(model_dir: str) -> ServingModel:
    """Load ``model.skops`` (safely) and the saved preprocessing from ``model_dir``."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.linear_model import (
        ElasticNet,
        HuberRegressor,
        LinearRegression,
        LogisticRegression,
        QuantileRegressor,
        Ridge,
    )

    meta = read_meta(model_dir, "linear_learner")
    expected = (
        TransformedTargetRegressor, LinearRegression, Ridge, ElasticNet, HuberRegressor,
        QuantileRegressor, LogisticRegression,
    )  # fmt: skip
    estimator = load_model(Path(model_dir) / MODEL_FILE, expected)
    task = meta["predictor_type"]
    return ServingModel.from_meta(meta, lambda x: predict_scores(estimator, x, task))
