"""Fast paths for small requests to common models, matching their own ``predict`` exactly.

scikit-learn forests spend most of a one-row ``predict`` in input validation and joblib
dispatch (about 15 ms for 100 trees, against under 1 ms for walking the trees), so for a
few rows sabio walks the fitted trees itself. Anything unusual (multi-output, missing
values, wrong width, a large batch) falls back to the model's own ``predict``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fast_predict"]

#: Above this many rows the model's own (parallel, vectorised) predict wins.
MAX_ROWS = 64
_FOREST_CLASSIFIERS = frozenset({"RandomForestClassifier", "ExtraTreesClassifier"})
_FOREST_REGRESSORS = frozenset({"RandomForestRegressor", "ExtraTreesRegressor"})


def _rows(model: Any, data: Any) -> np.ndarray | None:
    if not isinstance(data, np.ndarray) or data.ndim != 2 or data.shape[0] > MAX_ROWS:
        return None
    if data.dtype.kind not in "fiub" or data.shape[1] != getattr(model, "n_features_in_", -1):
        return None
    rows = np.ascontiguousarray(data, dtype=np.float32)
    if not np.isfinite(rows).all():
        return None  # the model's own predict decides about NaN and infinities
    return rows


def fast_predict(model: Any, data: Any) -> np.ndarray | None:
    """``model.predict(data)`` computed directly, or None when no fast path applies."""
    kind = type(model).__name__
    if not type(model).__module__.startswith("sklearn."):
        return None
    if kind not in _FOREST_CLASSIFIERS and kind not in _FOREST_REGRESSORS:
        return None
    if getattr(model, "n_outputs_", 1) != 1:
        return None
    rows = _rows(model, data)
    if rows is None:
        return None
    trees = model.estimators_
    if kind in _FOREST_REGRESSORS:
        total = np.zeros(rows.shape[0])
        for tree in trees:
            total += tree.tree_.predict(rows)[:, 0]
        return total / len(trees)
    n_classes = len(model.classes_)
    proba = np.zeros((rows.shape[0], n_classes))
    for tree in trees:
        value = tree.tree_.predict(rows)[:, :n_classes]
        normalizer = value.sum(axis=1, keepdims=True)
        normalizer[normalizer == 0.0] = 1.0
        proba += value / normalizer
    result: np.ndarray = model.classes_.take(np.argmax(proba, axis=1), axis=0)
    return result
