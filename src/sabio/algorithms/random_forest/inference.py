"""SageMaker inference handlers of the random forest built-in.

Requests hold raw feature rows (no label) as ``text/csv``, ``application/json``,
``application/jsonlines`` or ``application/x-npy``; see :mod:`sabio.algorithms._serving`
for the answer formats.

Example:
    >>> from sabio.algorithms.random_forest import inference  # doctest: +SKIP
    >>> model = inference.model_fn("model")  # doctest: +SKIP
    >>> body = inference.input_fn('{"instances": [[17.9, 10.4, ...]]}', "application/json")
    ... # doctest: +SKIP
    >>> inference.output_fn(inference.predict_fn(body, model), "application/json")
    ... # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from sabio.algorithms._serving import ServingModel, input_fn, output_fn, predict_fn, read_meta
from sabio.algorithms._sklearn import MODEL_FILE, load_model, predict_scores

__all__ = ["input_fn", "model_fn", "output_fn", "predict_fn"]


def model_fn(model_dir: str) -> ServingModel:
    """Load ``model.skops`` (safely) and the saved preprocessing from ``model_dir``."""
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    meta = read_meta(model_dir, "random_forest")
    estimator = load_model(
        Path(model_dir) / MODEL_FILE, (RandomForestClassifier, RandomForestRegressor)
    )
    task = meta["predictor_type"]
    return ServingModel.from_meta(meta, lambda x: predict_scores(estimator, x, task))
