"""SageMaker inference handlers of the MLP built-in.

Requests hold raw feature rows (no label) as ``text/csv``, ``application/json``,
``application/jsonlines`` or ``application/x-npy``; see :mod:`sabio.algorithms._serving`
for the answer formats.

Example:
    >>> from sabio.algorithms.mlp import inference  # doctest: +SKIP
    >>> model = inference.model_fn("model")  # doctest: +SKIP
    >>> rows = inference.input_fn('[{"age": 19, "sex": "female", "bmi": 27.9, "children": 0, '
    ...     '"smoker": "yes", "region": "southwest"}]', "application/json")  # doctest: +SKIP
    >>> inference.output_fn(inference.predict_fn(rows, model), "application/json")
    ... # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sabio.algorithms._payload import Payload, parse_payload
from sabio.algorithms._serving import Prediction, ServingModel, format_output, read_meta
from sabio.algorithms.mlp._network import load
from sabio.algorithms.mlp._train import predict

__all__ = ["input_fn", "model_fn", "output_fn", "predict_fn"]


def model_fn(model_dir: str) -> ServingModel:
    """Load the safetensors weights, the network config and the preprocessing."""
    meta = read_meta(model_dir, "mlp")
    net, config = load(Path(model_dir))
    return ServingModel.from_meta(meta, lambda x: predict(net, config, x))


def input_fn(body: bytes | str, content_type: str) -> Payload:
    """Parse a request body (CSV, JSON, JSON Lines or NPY) into raw rows."""
    return parse_payload(body, content_type)


def predict_fn(data: Any, model: ServingModel) -> Prediction:
    """Apply the saved preprocessing and predict."""
    return model.predict(data)


def output_fn(prediction: Prediction, accept: str) -> tuple[bytes | str, str]:
    """Serialise predictions for the ``Accept`` type; returns ``(body, content_type)``."""
    return format_output(prediction, accept)
