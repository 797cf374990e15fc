"""scikit-learn models of the built-ins: the fitted wrapper and safe (skops) persistence.

Models are stored with skops, never pickle. Loading lists the file's types that skops does
not trust by default and refuses the file unless every one of them is on
:data:`TRUSTED_TYPES`, an explicit list of the few internal scikit-learn types the built-ins'
models contain.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from sabio.algorithms._metrics import Arr
from sabio.algorithms._task import BINARY, REGRESSOR

__all__ = ["MODEL_FILE", "TRUSTED_TYPES", "SklearnModel", "load_model", "predict_scores"]

MODEL_FILE = "model.skops"

#: Types beyond skops' defaults that a built-in model file may contain.
TRUSTED_TYPES = frozenset({"sklearn.tree._tree.Tree"})


def predict_scores(model: Any, x: Arr, task: str) -> Arr:
    """Regression values, positive-class probabilities or ``(n, k)`` class probabilities."""
    if task == REGRESSOR:
        return np.asarray(model.predict(x), dtype=np.float64).reshape(-1)
    proba = np.asarray(model.predict_proba(x), dtype=np.float64)
    return proba[:, 1] if task == BINARY else proba


class SklearnModel:
    """A fitted scikit-learn estimator as the program sees it."""

    def __init__(
        self, estimator: Any, task: str, steps: int = 1, holdout: tuple[Arr, Arr] | None = None
    ) -> None:
        self.estimator = estimator
        self.task = task
        self.final_metrics: dict[str, float] = {}
        self.steps = steps
        self.holdout = holdout

    def predict(self, x: Arr) -> Arr:
        """See :class:`sabio.algorithms._program.Fitted`."""
        return predict_scores(self.estimator, x, self.task)

    def save(self, model_dir: Path) -> list[str]:
        """Write ``model.skops``."""
        import skops.io

        skops.io.dump(self.estimator, model_dir / MODEL_FILE)
        return [MODEL_FILE]


def load_model(path: Path, expected: tuple[type, ...]) -> Any:
    """Load a skops file, trusting only skops' defaults plus :data:`TRUSTED_TYPES`.

    Raises:
        ValueError: the file holds other types, or not one of the ``expected`` estimators.
    """
    import skops.io

    untrusted = skops.io.get_untrusted_types(file=path)
    unknown = sorted(set(untrusted) - TRUSTED_TYPES)
    if unknown:
        raise ValueError(
            f"Refusing to load {path}: it contains types that sabio does not trust: {unknown}. "
            "Built-in models only hold scikit-learn estimators."
        )
    with warnings.catch_warnings():
        # skops may warn about version differences; the types were vetted above.
        warnings.simplefilter("ignore")
        model = skops.io.load(path, trusted=list(untrusted))
    if not isinstance(model, expected):
        raise ValueError(
            f"{path} holds a {type(model).__name__}, expected one of "
            f"{', '.join(t.__name__ for t in expected)}."
        )
    return model
