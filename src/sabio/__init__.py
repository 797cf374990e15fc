"""sabio: SageMaker on your own machine.

``import sabio as sagemaker`` gives SageMaker Python SDK v2 names. This facade imports
nothing heavy: names are loaded on first use.

Example:
    >>> import sabio as sagemaker
    >>> sagemaker.get_execution_role()
    'arn:aws:iam::000000000000:role/sabio-local-execution-role'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Estimator",
    "HyperparameterTuner",
    "Model",
    "Predictor",
    "SabioError",
    "Session",
    "TrainingInput",
    "Transformer",
    "__version__",
    "get_execution_role",
    "image_uris",
]

_LAZY = {
    "Session": ("sabio.session", "Session"),
    "get_execution_role": ("sabio.session", "get_execution_role"),
    "Estimator": ("sabio.estimator", "Estimator"),
    "TrainingInput": ("sabio.inputs", "TrainingInput"),
    "HyperparameterTuner": ("sabio.tuner", "HyperparameterTuner"),
    "Model": ("sabio.model", "Model"),
    "Predictor": ("sabio.predictor", "Predictor"),
    "Transformer": ("sabio.transformer", "Transformer"),
    "SabioError": ("sabio.exceptions", "SabioError"),
    "image_uris": ("sabio.image_uris", None),
}

if TYPE_CHECKING:
    from sabio import image_uris
    from sabio.estimator import Estimator
    from sabio.exceptions import SabioError
    from sabio.inputs import TrainingInput
    from sabio.model import Model
    from sabio.predictor import Predictor
    from sabio.session import Session, get_execution_role
    from sabio.transformer import Transformer
    from sabio.tuner import HyperparameterTuner


#: Submodules reachable as attributes, as ``sagemaker.estimator.Estimator`` is in notebooks.
_SUBMODULES = frozenset(
    {
        "analytics",
        "deserializers",
        "estimator",
        "exceptions",
        "image_uris",
        "inputs",
        "model",
        "model_metrics",
        "model_monitor",
        "parameter",
        "predictor",
        "pytorch",
        "runtime",
        "serializers",
        "session",
        "sklearn",
        "tensorflow",
        "transformer",
        "tuner",
        "utils",
        "xgboost",
    }
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"sabio.{name}")
        globals()[name] = module
        return module
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'sabio' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
