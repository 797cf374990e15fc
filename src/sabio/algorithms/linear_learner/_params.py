"""Hyperparameters of the linear learner built-in (SageMaker Linear Learner names)."""

from __future__ import annotations

import sys
from typing import Any

from sabio.algorithms._hparams import Param

__all__ = ["IGNORED", "PARAMS", "check"]

#: SageMaker SGD settings that have no meaning for an exact solver.
IGNORED = (
    "epochs", "mini_batch_size", "learning_rate", "optimizer", "beta_1", "beta_2",
    "lr_scheduler_step", "lr_scheduler_factor", "lr_scheduler_minimum_lr", "momentum",
    "num_models", "num_calibration_samples", "init_method", "init_scale", "init_sigma",
    "init_bias", "unbias_data", "unbias_label", "num_point_for_scaler", "margin",
    "quantile", "loss_insensitivity", "bias_lr_mult", "bias_wd_mult",
    "early_stopping_patience", "early_stopping_tolerance", "target_recall",
    "target_precision",
)  # fmt: skip

PARAMS: tuple[Param, ...] = (
    Param("feature_dim", "int", low=1, auto=True),
    Param("num_classes", "int", low=2),
    Param(
        "loss",
        "choice",
        default="auto",
        choices=("auto", "squared_loss", "absolute_loss", "huber_loss", "logistic", "softmax_loss"),
    ),
    Param("l1", "float", default=0.0, low=0.0, auto=True),
    Param("wd", "float", low=0.0, auto=True),
    Param("huber_delta", "float", default=1.0, low=0.0, low_open=True),
    Param("normalize_data", "bool", default=True),
    Param("normalize_label", "bool", auto=True),
    Param("use_bias", "bool", default=True),
    Param("positive_example_weight_mult", "str", default="1.0"),
    Param("balance_multiclass_weights", "bool", default=False),
    Param(
        "binary_classifier_model_selection_criteria",
        "choice",
        choices=(
            "accuracy",
            "f_beta",
            "precision_at_target_recall",
            "recall_at_target_precision",
            "loss_function",
        ),
    ),
    Param("max_iter", "int", default=1000, low=1),
    Param("tol", "float", default=1e-4, low=0.0, low_open=True),
    Param("seed", "int", default=0),
    # Used by the binary_f_beta/macro_f_beta and multiclass_top_k_accuracy metrics.
    Param("f_beta", "float", default=1.0, low=0.0, low_open=True),
    Param("accuracy_top_k", "int", default=3, low=1),
    *(Param(name, "str") for name in IGNORED),
)


def check(hps: dict[str, Any]) -> None:
    """Note ignored SGD settings; map SageMaker's model selection criterion to the threshold.

    ``binary_classifier_model_selection_criteria`` chooses the decision threshold in SageMaker,
    which is what ``threshold_metric`` does here, so accuracy and f_beta carry over.
    """
    given = [name for name in IGNORED if hps.get(name) is not None]
    if given:
        print(
            f"Note: {', '.join(given)} tune SageMaker's SGD solver; sabio's linear learner "
            "solves the model exactly, so they have no effect.",
            file=sys.stderr,
        )
    criterion = hps.get("binary_classifier_model_selection_criteria")
    if criterion in ("accuracy", "f_beta") and hps["threshold_metric"] == "f1":
        hps["threshold_metric"] = "accuracy" if criterion == "accuracy" else "f1"
