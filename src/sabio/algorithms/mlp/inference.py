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

from sabio.algorithms._serving import ServingModel, input_fn, output_fn, predict_fn, read_meta
from sabio.algorithms.mlp._network import load
from sabio.algorithms.mlp._train import predict

__all__ = ["input_fn", "model_fn", "output_fn", "predict_fn"]


def model_fn(model_dir: str) -> ServingModel:
    """Load the safetensors weights, the network config and the preprocessing."""
    meta = read_meta(model_dir, "mlp")
    net, config = load(Path(model_dir))
    return ServingModel.from_meta(meta, lambda x: predict(net, config, x))
