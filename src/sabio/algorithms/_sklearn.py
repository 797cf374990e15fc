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

__all__ = [
    "FOREST_MAX_ROWS",
    "MODEL_FILE",
    "TRUSTED_TYPES",
    "SklearnModel",
    "forest_output",
    "load_model",
    "predict_scores",
]

MODEL_FILE = "model.skops"

#: Types beyond skops' defaults that a built-in model file may contain.
TRUSTED_TYPES = frozenset({"sklearn.tree._tree.Tree"})


#: Above this many rows a forest's own (parallel, vectorised) predict wins.
FOREST_MAX_ROWS = 64
_FOREST_CLASSIFIERS = frozenset({"RandomForestClassifier", "ExtraTreesClassifier"})
_FOREST_REGRESSORS = frozenset({"RandomForestRegressor", "ExtraTreesRegressor"})


def forest_output(model: Any, x: Any) -> Arr | None:
    """A forest's ``predict_proba`` (classifier) or ``predict`` (regressor) on a few rows.

    scikit-learn spends most of a one-row forest prediction in input validation and joblib
    dispatch (about 15 ms for 100 trees, against under 1 ms for walking the trees), so for
    up to :data:`FOREST_MAX_ROWS` finite rows this walks the fitted trees itself, averaging
    exactly as the forest does. Returns None (use the model's own methods) for anything
    else: another model, multi-output, missing values, a wrong width or a large batch.
    """
    kind = type(model).__name__
    if not type(model).__module__.startswith("sklearn."):
        return None
    if kind not in _FOREST_CLASSIFIERS and kind not in _FOREST_REGRESSORS:
        return None
    if getattr(model, "n_outputs_", 1) != 1:
        return None
    if not isinstance(x, np.ndarray) or x.ndim != 2 or x.shape[0] > FOREST_MAX_ROWS:
        return None
    if x.dtype.kind not in "fiub" or x.shape[1] != getattr(model, "n_features_in_", -1):
        return None
    rows = np.ascontiguousarray(x, dtype=np.float32)  # the trees' own input type
    if not np.isfinite(rows).all():
        return None  # the model's own predict decides about NaN and infinities
    trees = model.estimators_
    if kind in _FOREST_REGRESSORS:
        total = np.zeros(rows.shape[0])
        for tree in trees:
            total += tree.tree_.predict(rows)[:, 0]
        values: Arr = total / len(trees)
        return values
    n_classes = len(model.classes_)
    proba = np.zeros((rows.shape[0], n_classes))
    for tree in trees:
        value = tree.tree_.predict(rows)[:, :n_classes]
        normalizer = value.sum(axis=1, keepdims=True)
        normalizer[normalizer == 0.0] = 1.0
        proba += value / normalizer
    result: Arr = proba / len(trees)
    return result


def predict_scores(model: Any, x: Arr, task: str) -> Arr:
    """Regression values, positive-class probabilities or ``(n, k)`` class probabilities."""
    fast = forest_output(model, x)
    if task == REGRESSOR:
        values = model.predict(x) if fast is None else fast
        return np.asarray(values, dtype=np.float64).reshape(-1)
    proba = np.asarray(model.predict_proba(x) if fast is None else fast, dtype=np.float64)
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
