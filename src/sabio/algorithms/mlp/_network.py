"""The MLP network, its JSON config, and safetensors persistence (no pickle)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sabio.algorithms._metrics import Arr
from sabio.algorithms._task import BINARY, MULTICLASS

__all__ = ["CONFIG_FILE", "WEIGHTS_FILE", "NetConfig", "build", "load", "outputs_to_scores", "save"]

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "mlp-config.json"


@dataclass
class NetConfig:
    """Everything needed to rebuild the network and map its outputs to predictions.

    Attributes:
        input_dim: number of encoded input features.
        hidden: widths of the hidden layers.
        activation: activation between layers.
        dropout: dropout rate after each hidden layer (training only).
        task: predictor type.
        output_dim: 1 for regression and binary, k for multiclass.
        target: regression target transform: ``kind`` (none, log, standardize), ``mean``,
            ``std`` (of the possibly logged target).
        epochs_trained, best_epoch: training history.
    """

    input_dim: int
    hidden: list[int]
    activation: str
    dropout: float
    task: str
    output_dim: int
    target: dict[str, Any] = field(
        default_factory=lambda: {"kind": "none", "mean": 0.0, "std": 1.0}
    )
    epochs_trained: int = 0
    best_epoch: int = 0


def _activation(name: str) -> Any:
    import torch.nn as nn

    return {
        "relu": nn.ReLU,
        "tanh": nn.Tanh,
        "sigmoid": nn.Sigmoid,
        "elu": nn.ELU,
        "leaky_relu": nn.LeakyReLU,
        "gelu": nn.GELU,
        "linear": nn.Identity,
    }[name]()


def build(config: NetConfig) -> Any:
    """A ``torch.nn.Sequential`` for ``config`` (fresh weights from torch's RNG)."""
    import torch.nn as nn

    layers: list[Any] = []
    width = config.input_dim
    for hidden in config.hidden:
        layers += [nn.Linear(width, hidden), _activation(config.activation)]
        if config.dropout > 0:
            layers.append(nn.Dropout(config.dropout))
        width = hidden
    layers.append(nn.Linear(width, config.output_dim))
    return nn.Sequential(*layers)


def outputs_to_scores(outputs: Arr, config: NetConfig) -> Arr:
    """Network outputs → regression values (original scale) or class probabilities."""
    scores: Arr
    if config.task == BINARY:
        scores = 1.0 / (1.0 + np.exp(-outputs[:, 0]))
    elif config.task == MULTICLASS:
        exp = np.exp(outputs - outputs.max(axis=1, keepdims=True))
        scores = exp / exp.sum(axis=1, keepdims=True)
    else:
        scores = outputs[:, 0] * config.target["std"] + config.target["mean"]
        if config.target["kind"] == "log":
            scores = np.expm1(np.clip(scores, None, 700.0))
    return scores


def save(model: Any, config: NetConfig, model_dir: Path) -> list[str]:
    """Write the weights (safetensors) and the config (JSON)."""
    from safetensors.torch import save_file

    state = {name: tensor.detach().contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, str(model_dir / WEIGHTS_FILE))
    (model_dir / CONFIG_FILE).write_text(json.dumps(asdict(config), indent=2), encoding="utf-8")
    return [WEIGHTS_FILE, CONFIG_FILE]


def load(model_dir: Path) -> tuple[Any, NetConfig]:
    """Rebuild the network from ``model_dir`` in evaluation mode."""
    from safetensors.torch import load_file

    config = NetConfig(**json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8")))
    model = build(config)
    model.load_state_dict(load_file(str(model_dir / WEIGHTS_FILE)))
    model.eval()
    return model, config
