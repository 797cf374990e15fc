"""SageMaker XGBoost's hyperparameters: names, defaults, ranges and cross-checks."""

from __future__ import annotations

import sys
from typing import Any

from sabio.algorithms._errors import HyperparameterError
from sabio.algorithms._hparams import Param
from sabio.algorithms._task import BINARY, MULTICLASS, REGRESSOR
from sabio.exceptions import did_you_mean

__all__ = [
    "ALIASES",
    "AUTO_EARLY_STOPPING",
    "AUTO_MAX_ROUNDS",
    "AUTO_ROUNDS",
    "CUSTOM_METRICS",
    "IMBALANCED_PREVALENCE",
    "MAXIMISED",
    "NATIVE_METRICS",
    "OBJECTIVES",
    "PARAMS",
    "check",
    "default_objective",
    "task_of_objective",
]

OBJECTIVES = (
    "reg:squarederror",
    "reg:linear",
    "reg:squaredlogerror",
    "reg:logistic",
    "reg:pseudohubererror",
    "reg:absoluteerror",
    "reg:gamma",
    "reg:tweedie",
    "count:poisson",
    "binary:logistic",
    "binary:logitraw",
    "binary:hinge",
    "multi:softmax",
    "multi:softprob",
)

#: Metrics XGBoost computes itself (those ending in "@" take a parameter, e.g. "error@0.7").
NATIVE_METRICS = frozenset(
    {
        "rmse", "rmsle", "mae", "mape", "mphe", "logloss", "error", "error@", "merror",
        "mlogloss", "auc", "aucpr", "pre", "pre@", "ndcg", "ndcg@", "map", "map@",
        "poisson-nloglik", "gamma-nloglik", "gamma-deviance", "tweedie-nloglik",
    }
)  # fmt: skip
#: Metrics SageMaker's XGBoost adds (computed here in Python, round by round).
CUSTOM_METRICS = frozenset(
    {
        "accuracy", "balanced_accuracy", "f1", "f1_binary", "f1_macro", "mse", "r2",
        "precision", "precision_macro", "recall", "recall_macro", "specificity",
    }
)  # fmt: skip
#: Metrics where larger is better (early stopping direction).
MAXIMISED = frozenset(
    {"auc", "aucpr", "pre", "ndcg", "map", "roc_auc", "pr_auc"} | (CUSTOM_METRICS - {"mse"})
)
#: Rounds when num_round is omitted: a ceiling with early stopping on validation data ...
AUTO_MAX_ROUNDS = 1000
AUTO_EARLY_STOPPING = 50
#: ... or a fixed count when there is no validation channel to stop on.
AUTO_ROUNDS = 100
#: Binary labels rarer than this get ``aucpr`` as the default eval_metric.
IMBALANCED_PREVALENCE = 0.2
_IGNORED = ("lambda_bias", "single_precision_histogram", "deterministic_histogram",
            "use_dask_gpu_training", "sketch_eps", "dsplit", "predictor")  # fmt: skip
#: SageMaker's aliases (the container declares them): alias → the name used here.
ALIASES = {"learning_rate": "eta", "min_split_loss": "gamma", "reg_lambda": "lambda",
           "reg_alpha": "alpha"}  # fmt: skip

# Booster- and objective-specific parameters default to None (= XGBoost's default, which is
# SageMaker's) so that XGBoost does not warn about parameters it does not use.
PARAMS: tuple[Param, ...] = (
    # SageMaker requires num_round; here omitting it (or "auto") means: up to
    # AUTO_MAX_ROUNDS with early stopping on the validation channel, else AUTO_ROUNDS.
    Param("num_round", "int", low=1, auto=True),
    Param("num_class", "int", low=2),
    Param("alpha", "float", default=0.0, low=0.0),
    Param("base_score", "float"),
    Param("booster", "choice", default="gbtree", choices=("gbtree", "gblinear", "dart")),
    Param("colsample_bylevel", "float", default=1.0, low=0.0, high=1.0, low_open=True),
    Param("colsample_bynode", "float", default=1.0, low=0.0, high=1.0, low_open=True),
    Param("colsample_bytree", "float", default=1.0, low=0.0, high=1.0, low_open=True),
    Param("csv_weights", "int", default=0, low=0, high=1),
    Param("early_stopping_rounds", "int", low=1),
    Param("eta", "float", default=0.3, low=0.0, high=1.0),
    Param("eval_metric", "str_list", default=[]),
    Param("gamma", "float", default=0.0, low=0.0),
    Param("grow_policy", "choice", default="depthwise", choices=("depthwise", "lossguide")),
    Param("interaction_constraints", "str"),
    Param("lambda", "float", default=1.0, low=0.0),
    Param("max_bin", "int", default=256, low=2),
    Param("max_delta_step", "float", default=0.0, low=0.0),
    Param("max_depth", "int", default=6, low=0),
    Param("max_leaves", "int", default=0, low=0),
    Param("min_child_weight", "float", default=1.0, low=0.0),
    Param("monotone_constraints", "str"),
    Param("normalize_type", "choice", choices=("tree", "forest")),
    Param("nthread", "int", low=1, auto=True),
    Param("num_parallel_tree", "int", default=1, low=1),
    Param("objective", "choice", choices=OBJECTIVES),
    Param("one_drop", "int", low=0, high=1),
    Param("process_type", "choice", choices=("default", "update")),
    Param("rate_drop", "float", low=0.0, high=1.0),
    Param("refresh_leaf", "int", low=0, high=1),
    Param("sample_type", "choice", choices=("uniform", "weighted")),
    Param("scale_pos_weight", "float", default=1.0, low=0.0, low_open=True),
    Param("seed", "int", default=0),
    Param("skip_drop", "float", low=0.0, high=1.0),
    Param("subsample", "float", default=1.0, low=0.0, high=1.0, low_open=True),
    Param(
        "tree_method",
        "choice",
        default="auto",
        choices=("auto", "exact", "approx", "hist", "gpu_hist"),
    ),
    Param("tweedie_variance_power", "float", low=1.0, high=2.0, high_open=True),
    Param("huber_slope", "float", low=0.0, low_open=True),
    Param("updater", "str"),
    Param("verbosity", "int", default=1, low=0, high=3),
    Param("lambda_bias", "float", low=0.0),
    Param("single_precision_histogram", "bool"),
    Param("deterministic_histogram", "bool"),
    Param("use_dask_gpu_training", "bool"),
    Param("sketch_eps", "float", low=0.0, high=1.0, low_open=True, high_open=True),
    # Legacy names SageMaker's container still accepts (notebooks pass silent=0).
    Param("silent", "int", low=0, high=1),
    Param("dsplit", "choice", choices=("row", "col")),
    Param("predictor", "choice", choices=("auto", "cpu_predictor", "gpu_predictor")),
    *(Param(alias, "float", low=0.0) for alias in ALIASES),
)


def task_of_objective(objective: str | None) -> str | None:
    """Predictor type implied by an XGBoost objective (``None`` when not given)."""
    if not objective:
        return None
    if objective.startswith("binary:"):
        return BINARY
    return MULTICLASS if objective.startswith("multi:") else REGRESSOR


def default_objective(task: str) -> str:
    """XGBoost objective for a predictor type."""
    return {REGRESSOR: "reg:squarederror", BINARY: "binary:logistic"}.get(task, "multi:softprob")


def _check_metric(name: str) -> None:
    base = name.partition("@")[0]
    if (
        name in NATIVE_METRICS
        or name in CUSTOM_METRICS
        or ("@" in name and f"{base}@" in NATIVE_METRICS)
    ):
        return
    known = sorted((NATIVE_METRICS | CUSTOM_METRICS) - {n for n in NATIVE_METRICS if "@" in n})
    raise HyperparameterError(
        f"Hyperparameter 'eval_metric' has unknown metric {name!r}.{did_you_mean(name, known)} "
        f"Expected a comma-separated list of: {', '.join(known)}."
    )


def check(hps: dict[str, Any]) -> None:
    """Cross-checks that need more than one hyperparameter.

    Raises:
        HyperparameterError: contradicting or unsupported settings.
    """
    for alias, name in ALIASES.items():
        if hps.get(alias) is not None:  # an alias wins over its name's default
            hps[name] = hps.pop(alias)
        hps.pop(alias, None)
    if hps.get("silent") is not None:
        # XGBoost 1.0 replaced silent with verbosity; silent=1 meant verbosity 0.
        if hps["silent"] == 1:
            hps["verbosity"] = 0
        print(
            f"Note: hyperparameter 'silent' (={hps['silent']}) is a legacy XGBoost name; it is "
            "accepted as SageMaker's container does, as verbosity (use verbosity=0..3).",
            file=sys.stderr,
        )
    hps.pop("silent", None)
    for name in hps["eval_metric"]:
        _check_metric(name)
    if hps["csv_weights"] == 1:
        raise HyperparameterError(
            "Hyperparameter csv_weights=1 (instance weights in the second CSV column) is not "
            "supported by sabio's xgboost built-in; remove the weight column and csv_weights."
        )
    objective = hps.get("objective")
    if hps.get("num_class") is not None and objective and not objective.startswith("multi:"):
        raise HyperparameterError(
            f"Hyperparameter 'num_class' is only for multi:softmax/multi:softprob objectives, "
            f"got objective={objective!r}."
        )
    for name in _IGNORED:
        if hps.get(name) is not None:
            print(
                f"Note: hyperparameter {name!r} has no effect in XGBoost 3; ignored.",
                file=sys.stderr,
            )
    if hps["tree_method"] == "gpu_hist":
        print("Note: tree_method 'gpu_hist' runs as 'hist' on this CPU build.", file=sys.stderr)
