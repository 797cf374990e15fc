"""SageMaker inference handlers of the XGBoost built-in.

A model server imports this module and calls ``model_fn(model_dir)`` once, then
``input_fn`` → ``predict_fn`` → ``output_fn`` per request. Requests hold raw feature rows
(no label) as ``text/csv``, ``application/json``, ``application/jsonlines``,
``application/x-npy``, ``text/libsvm`` or ``application/x-recordio-protobuf`` (SageMaker's short
spellings ``csv`` and ``libsvm`` too). Answers are SageMaker XGBoost's comma-joined CSV for
``Accept: */*`` and ``text/csv`` (see :func:`output_fn`). A folder with only a SageMaker-trained
``xgboost-model`` (no ``sabio-model.json``) is served too, on numeric features.

Example:
    >>> from sabio.algorithms.xgboost import inference  # doctest: +SKIP
    >>> model = inference.model_fn("model")  # doctest: +SKIP
    >>> rows = inference.input_fn("19,female,27.9,0,yes,southwest", "text/csv")  # doctest: +SKIP
    >>> inference.output_fn(inference.predict_fn(rows, model), "text/csv")  # doctest: +SKIP
    ('16884.9', 'text/csv')

Batch transforms (``SAGEMAKER_BATCH`` set) get one prediction per line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from sabio.algorithms._metrics import Arr
from sabio.algorithms._payload import Payload, media_type, parse_payload
from sabio.algorithms._serving import (
    META_FILE,
    Prediction,
    ServingModel,
    format_output,
    read_meta,
    xgboost_csv,
)
from sabio.algorithms._task import BINARY, MULTICLASS, REGRESSOR
from sabio.algorithms.xgboost._train import MODEL_FILE, scores_from_booster
from sabio.algorithms.xgboost._walk import TreeWalker

__all__ = ["inplace_scores", "input_fn", "model_fn", "output_fn", "predict_fn"]


def _bare_meta(booster: Any) -> dict[str, Any]:
    """Metadata for a plain SageMaker ``xgboost-model``: numeric features, no preprocessing."""
    config = json.loads(booster.save_config())
    objective = config["learner"]["objective"]["name"]
    n_features = int(booster.num_features())
    names = booster.feature_names or [f"f{i}" for i in range(n_features)]
    task = BINARY if objective.startswith("binary:") else REGRESSOR
    classes: list[Any] | None = [0, 1] if task == BINARY else None
    if objective.startswith("multi:"):
        task = MULTICLASS
        classes = list(range(int(config["learner"]["learner_model_param"]["num_class"])))
    return {
        "algorithm": "xgboost",
        "predictor_type": task,
        "classes": classes,
        "threshold": 0.5,
        "preprocessing": {"columns": list(names), "categories": {}},
        "hyperparameters": {"objective": objective},
    }


def model_fn(model_dir: str) -> ServingModel:
    """Load ``xgboost-model`` and the saved preprocessing from ``model_dir``."""
    import xgboost as xgb

    booster = xgb.Booster()
    booster.load_model(bytearray((Path(model_dir) / MODEL_FILE).read_bytes()))
    booster.set_param({"nthread": 1})  # one request at a time; the server scales by workers
    if (Path(model_dir) / META_FILE).is_file():
        meta = read_meta(model_dir, "xgboost")
    else:
        meta = _bare_meta(booster)
    objective = meta["hyperparameters"].get("objective") or {
        REGRESSOR: "reg:squarederror",
        BINARY: "binary:logistic",
    }.get(meta["predictor_type"], "multi:softprob")
    walker = TreeWalker.compile(booster)
    return ServingModel.from_meta(meta, lambda x: inplace_scores(booster, x, objective, walker))


def inplace_scores(booster: Any, x: Arr, objective: str, walker: TreeWalker | None = None) -> Arr:
    """What :func:`~sabio.algorithms.xgboost._train.scores_from_booster` gives, without
    building a DMatrix per request: a few rows walk the trees in NumPy (``walker``), more
    go through ``inplace_predict`` (several times faster than a DMatrix on small blocks,
    and it copies nothing on large ones)."""

    def predict(kind: str) -> Arr:
        fast = None if walker is None else walker.predict(x, margin=kind == "margin")
        found = booster.inplace_predict(x, predict_type=kind) if fast is None else fast
        return np.asarray(found, dtype=np.float64)

    if x.shape[0] == 0 or x.dtype.kind != "f":
        return scores_from_booster(booster, x, objective)
    if objective == "multi:softmax":
        margin = predict("margin")
        margin = margin - margin.max(axis=1, keepdims=True)
        exp = np.exp(margin)
        probabilities: Arr = exp / exp.sum(axis=1, keepdims=True)
        return probabilities
    raw = predict("value")
    if objective == "binary:logitraw":
        return 1.0 / (1.0 + np.exp(-raw))
    if objective == "binary:hinge":
        return np.clip(raw, 0.0, 1.0)
    return raw


def input_fn(body: bytes | str, content_type: str) -> Payload:
    """Parse a request body (CSV, JSON, JSON Lines, NPY, libsvm or RecordIO-protobuf) into
    raw rows."""
    return parse_payload(body, content_type, allow_libsvm=True)


def predict_fn(data: Any, model: ServingModel) -> Prediction:
    """Apply the saved preprocessing and predict (the prediction knows the objective)."""
    prediction = model.predict(data)
    prediction.objective = model.meta["hyperparameters"].get("objective")
    return prediction


def output_fn(prediction: Prediction, accept: str | None) -> tuple[bytes | str, str]:
    """Answer as SageMaker's XGBoost container: for ``Accept: */*`` (or none) and
    ``text/csv``, the predictions comma-joined on one line (``0.1,0.9``; one per line in a
    batch transform). ``application/json`` and ``application/jsonlines`` give sabio's richer
    ``{"score": ..., "predicted_label": ...}`` records, ``application/x-npy`` the scores.
    """
    kind = media_type((accept or "").split(",")[0])
    if kind in ("", "*/*", "text/csv", "text/*"):
        return xgboost_csv(prediction), "text/csv"
    return format_output(prediction, accept)
