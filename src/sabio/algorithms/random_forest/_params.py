"""Hyperparameters of the random forest built-in (scikit-learn names).

Kept apart from the training code so the SDK can validate names without importing it.
"""

from __future__ import annotations

from sabio.algorithms._hparams import Param

__all__ = ["PARAMS"]

PARAMS: tuple[Param, ...] = (
    Param("n_estimators", "int", default=300, low=1),
    Param("max_depth", "int", low=1, auto=True),
    Param("min_samples_split", "int", default=2, low=2),
    Param("min_samples_leaf", "int", default=1, low=1),
    Param("max_features", "str", default="auto"),
    Param("max_leaf_nodes", "int", low=2, auto=True),
    Param("min_impurity_decrease", "float", default=0.0, low=0.0),
    Param("bootstrap", "bool", default=True),
    Param("max_samples", "float", low=0.0, high=1.0, low_open=True, auto=True),
    Param(
        "class_weight",
        "choice",
        default="none",
        choices=("none", "balanced", "balanced_subsample"),
    ),
    Param(
        "criterion",
        "choice",
        default="auto",
        choices=(
            "auto",
            "gini",
            "entropy",
            "log_loss",
            "squared_error",
            "absolute_error",
            "friedman_mse",
            "poisson",
        ),
    ),
    Param("ccp_alpha", "float", default=0.0, low=0.0),
    Param("seed", "int", default=0),
    Param("n_jobs", "int", low=1, auto=True),
)
