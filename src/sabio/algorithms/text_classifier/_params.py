"""Hyperparameters of the text-classifier built-in.

Several defaults depend on ``model_type`` (``auto`` picks them); :func:`resolve` fills them in
so the rest of the program sees plain values.
"""

from __future__ import annotations

from typing import Any

from sabio.algorithms._errors import HyperparameterError
from sabio.algorithms._hparams import Param

__all__ = ["MODEL_TYPES", "PARAMS", "check", "resolve"]

MODEL_TYPES = ("tfidf", "bilstm", "pretrained")

PARAMS: tuple[Param, ...] = (
    Param("model_type", "choice", default="tfidf", choices=MODEL_TYPES),
    Param("text_column", "str", default="text"),
    Param("label_column", "str", default="label"),
    Param("min_examples_per_class", "int", default=2, low=1),
    Param("validation_split", "float", low=0.0, high=0.9, auto=True),
    Param("seed", "int", default=0),
    Param("top_k", "int", default=3, low=1),
    Param("num_threads", "int", low=1, auto=True),
    # neural models (bilstm, pretrained)
    Param("epochs", "int", low=1, auto=True),
    Param("batch_size", "int", low=1, auto=True),
    Param("learning_rate", "float", low=0.0, low_open=True, auto=True),
    Param("weight_decay", "float", low=0.0, auto=True),
    Param("early_stopping_patience", "int", low=0, auto=True),
    Param("max_len", "int", low=2, auto=True),
    Param("max_len_percentile", "float", default=95.0, low=50.0, high=100.0),
    Param("dropout", "float", low=0.0, high=1.0, high_open=True, auto=True),
    # bilstm
    Param("embedding_dim", "int", default=100, low=1),
    Param("rnn_units", "int", default=64, low=1),
    Param("num_layers", "int", default=1, low=1),
    Param("max_vocab", "int", default=20000, low=2),
    Param("min_count", "int", default=1, low=1),
    # pretrained
    Param("pretrained_model", "str"),
    Param("allow_download", "bool", default=False),
    Param("freeze_layers", "int", low=0, auto=True),
    # tfidf
    Param("ngram_max", "int", default=2, low=1, high=5),
    Param("min_df", "int", default=1, low=1),
    Param("max_features", "int", low=1),
    Param("sublinear_tf", "bool", default=True),
    Param("C", "float", default=10.0, low=0.0, low_open=True),
    Param("max_iter", "int", default=1000, low=1),
)

# Defaults by model type, measured on the Symptom2Disease benchmark (bench/).
_DEFAULTS: dict[str, dict[str, Any]] = {
    "tfidf": {"validation_split": 0.0, "early_stopping_patience": 5},
    "bilstm": {
        "validation_split": 0.1,
        "epochs": 25,
        "batch_size": 32,
        "learning_rate": 6e-3,
        "early_stopping_patience": 4,
        "weight_decay": 0.0,
        "dropout": 0.3,
    },
    "pretrained": {
        "validation_split": 0.1,
        "epochs": 6,
        "batch_size": 32,
        "learning_rate": 2e-4,
        "weight_decay": 0.01,
        "dropout": 0.1,
        "freeze_layers": 3,
        "early_stopping_patience": 5,
    },
}
_NEURAL_ONLY = ("epochs", "batch_size", "learning_rate", "max_len", "dropout")


def resolve(hps: dict[str, Any]) -> dict[str, Any]:
    """Fill the ``auto`` hyperparameters with the defaults of the chosen model type."""
    resolved = dict(hps)
    for name, value in _DEFAULTS[hps["model_type"]].items():
        if resolved.get(name) is None:
            resolved[name] = value
    return resolved


def check(hps: dict[str, Any]) -> None:
    """Cross-checks that need more than one hyperparameter.

    Raises:
        HyperparameterError: contradicting settings.
    """
    kind = hps["model_type"]
    if kind == "tfidf":
        given = [name for name in _NEURAL_ONLY if hps.get(name) is not None]
        if given:
            raise HyperparameterError(
                f"Hyperparameter(s) {given} apply to model_type 'bilstm' or 'pretrained', not "
                "'tfidf' (a TF-IDF linear model trains in one pass). Remove them or choose "
                "another model_type."
            )
    if kind != "pretrained" and (hps.get("pretrained_model") or hps.get("freeze_layers")):
        raise HyperparameterError(
            "Hyperparameters 'pretrained_model' and 'freeze_layers' need "
            f"model_type='pretrained', got model_type={kind!r}."
        )
