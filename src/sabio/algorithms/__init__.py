"""Built-in algorithms: script-mode programs that need no user code.

Each built-in is a package runnable as ``python -m sabio.algorithms.<name>`` that obeys the
same SageMaker job contract as user scripts (``SM_*`` environment, ``/opt/ml``-style job
folder, ``failure`` file, metric lines) and ships SageMaker inference handlers in
``sabio.algorithms.<name>.inference`` (``model_fn``, ``input_fn``, ``predict_fn``,
``output_fn``), so a deployed model needs no ``inference.py``. Each is declared once, as a
:class:`BuiltinAlgorithm` in :data:`BUILTINS` (image name, program, inference module,
estimator class, warm-up imports); every other table of built-ins is derived from those.

==============  =====================================  ============================================
built-in        program                                model files
==============  =====================================  ============================================
XGBoost         ``sabio.algorithms.xgboost``           ``xgboost-model`` (XGBoost JSON)
Random forest   ``sabio.algorithms.random_forest``     ``model.skops``
Linear learner  ``sabio.algorithms.linear_learner``    ``model.skops``
MLP (PyTorch)   ``sabio.algorithms.mlp``               ``model.safetensors`` + ``mlp-config.json``
Text            ``sabio.algorithms.text_classifier``   ``*.safetensors`` + ``text-classifier.json``
==============  =====================================  ============================================

Every model folder also holds ``sabio-model.json`` (task, label classes, decision threshold
and the fitted preprocessing) and, when there was data to evaluate on, ``evaluation.json``
and ``report.html``.

Errors: :class:`HyperparameterError` and :class:`DataError` end a training job with a
``failure`` file (exit status 1); :class:`PayloadError` is a bad inference request (answer
4xx with its ``status_code``). All are :class:`sabio.exceptions.ValidationError` (hence
``ValueError``).

Convenience estimators (``XGBoost``, ``RandomForest``, ``LinearLearner``, ``MLP``,
``TextClassifier``) are SDK classes defined in :mod:`sabio._builtin_estimators`; this package
hands them out lazily, so the programs (``python -m sabio.algorithms.xgboost``) never import
the SDK, the catalog or the storage layer.

This package imports nothing heavy: frameworks load only inside the programs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sabio.algorithms._builtins import (
    BUILTINS,
    REPORT_IMPORTS,
    BuiltinAlgorithm,
    builtin_for_image,
    builtin_for_program,
    builtin_named,
)
from sabio.algorithms._errors import AlgorithmError, DataError, HyperparameterError, PayloadError

if TYPE_CHECKING:
    from sabio._builtin_estimators import MLP, LinearLearner, RandomForest, TextClassifier, XGBoost

__all__ = [
    "BUILTINS",
    "BUILTIN_ALGORITHMS",
    "INFERENCE_MODULES",
    "MLP",
    "PROGRAMS",
    "REPORT_IMPORTS",
    "AlgorithmError",
    "BuiltinAlgorithm",
    "DataError",
    "HyperparameterError",
    "LinearLearner",
    "PayloadError",
    "RandomForest",
    "TextClassifier",
    "XGBoost",
    "builtin_for_image",
    "builtin_for_program",
    "builtin_named",
]

# Views of BUILTINS kept for code written against earlier releases.
#: Names of the built-in algorithms (the ``<name>`` in ``sabio.algorithms.<name>``).
BUILTIN_ALGORITHMS: tuple[str, ...] = tuple(b.name for b in BUILTINS)
#: Module to run with ``python -m`` for each built-in.
PROGRAMS: dict[str, str] = {b.name: b.program for b in BUILTINS}
#: Module holding the SageMaker inference handlers of each built-in.
INFERENCE_MODULES: dict[str, str] = {b.name: b.inference_module for b in BUILTINS}


def __getattr__(name: str) -> Any:
    # The estimators belong to the SDK layer: importing them here eagerly would make every
    # built-in program load the SDK (and the catalog and storage behind it).
    if any(b.estimator == name for b in BUILTINS):
        from sabio import _builtin_estimators

        return getattr(_builtin_estimators, name)
    raise AttributeError(f"module 'sabio.algorithms' has no attribute {name!r}")
