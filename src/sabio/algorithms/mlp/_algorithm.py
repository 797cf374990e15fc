"""Declaration of the MLP built-in for the shared program skeleton."""

from __future__ import annotations

from sabio.algorithms._program import Algorithm
from sabio.algorithms.mlp._params import PARAMS, check
from sabio.algorithms.mlp._train import train

__all__ = ["ALGORITHM"]

ALGORITHM = Algorithm(
    name="mlp",
    params=PARAMS,
    train=train,
    check=check,
    impute=True,
    scale=lambda hps: True,  # gradient descent needs inputs on comparable scales
    native_metrics=frozenset({"loss"}),
    logs_per_step=True,
)
