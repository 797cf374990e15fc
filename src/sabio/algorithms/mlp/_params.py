"""Hyperparameters of the MLP built-in."""

from __future__ import annotations

from typing import Any

from sabio.algorithms._errors import HyperparameterError
from sabio.algorithms._hparams import Param

__all__ = ["ACTIVATIONS", "PARAMS", "check", "hidden_layers"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "leaky_relu", "gelu", "linear")

# Defaults were chosen on the insurance benchmark (5-fold R² 0.847): ELU units, a little
# dropout and, for regression, Huber loss on the standardised target (robust to the few
# very large values typical of costs) with early stopping on a 20% validation split.
PARAMS: tuple[Param, ...] = (
    Param("hidden_layers", "int_list"),
    Param("num_neurons", "int", default=64, low=1),
    Param("num_layers", "int", default=2, low=0),
    Param("activation", "choice", default="elu", choices=ACTIVATIONS),
    Param("optimizer", "choice", default="adam", choices=("adam", "sgd", "rmsprop")),
    Param("learning_rate", "float", default=1e-3, low=0.0, low_open=True),
    Param("momentum", "float", default=0.9, low=0.0, high=1.0, high_open=True),
    Param("batch_size", "int", default=32, low=1),
    Param("epochs", "int", default=300, low=1),
    Param("validation_split", "float", default=0.2, low=0.0, high=0.9),
    Param("early_stopping_patience", "int", default=30, low=0),
    Param("restore_best_weights", "bool", default=True),
    Param("weight_decay", "float", default=0.0, low=0.0),
    Param("dropout", "float", default=0.1, low=0.0, high=1.0, high_open=True),
    Param(
        "target_transform", "choice", default="standardize", choices=("none", "log", "standardize")
    ),
    Param("loss", "choice", default="auto", choices=("auto", "mse", "mae", "huber")),
    Param("seed", "int", default=0),
    Param("num_threads", "int", low=1, auto=True),
)


def hidden_layers(hps: dict[str, Any]) -> list[int]:
    """Widths of the hidden layers: ``hidden_layers``, else ``num_neurons`` × ``num_layers``."""
    if hps.get("hidden_layers"):
        return list(hps["hidden_layers"])
    return [int(hps["num_neurons"])] * int(hps["num_layers"])


def check(hps: dict[str, Any]) -> None:
    """Cross-checks of the MLP hyperparameters.

    Raises:
        HyperparameterError: contradicting settings.
    """
    if hps.get("hidden_layers") and hps.get("num_layers") not in (None, 2):
        raise HyperparameterError(
            "Give either 'hidden_layers' (e.g. '64,32') or 'num_neurons' + 'num_layers', not "
            f"both (got hidden_layers={hps['hidden_layers']}, num_layers={hps['num_layers']})."
        )
