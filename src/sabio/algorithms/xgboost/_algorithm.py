"""Declaration of the XGBoost built-in for the shared program skeleton."""

from __future__ import annotations

from sabio.algorithms._program import Algorithm
from sabio.algorithms._task import MULTICLASS
from sabio.algorithms.xgboost._params import (
    CUSTOM_METRICS,
    NATIVE_METRICS,
    PARAMS,
    check,
    task_of_objective,
)
from sabio.algorithms.xgboost._train import train

__all__ = ["ALGORITHM"]

ALGORITHM = Algorithm(
    name="xgboost",
    params=PARAMS,
    train=train,
    resolver=lambda hps: (
        task_of_objective(hps.get("objective")) or (MULTICLASS if hps.get("num_class") else None)
    ),
    check=check,
    impute=False,  # XGBoost learns where missing values go
    allow_libsvm=True,
    native_metrics=NATIVE_METRICS | CUSTOM_METRICS,
    logs_per_step=True,
)
