"""Fast paths for small requests to common models, matching their own predictions.

scikit-learn forests spend most of a one-row ``predict`` in input validation and joblib
dispatch, and an XGBoost ``Booster`` about 0.3 ms of fixed cost per ``inplace_predict``;
for a few rows sabio walks the fitted trees itself. The walks are shared with the built-ins
(:func:`sabio.algorithms._sklearn.forest_output`,
:class:`sabio.algorithms.xgboost._walk.TreeWalker`). Anything unusual (multi-output,
missing values for forests, wrong width, a large batch, a model the walker does not cover)
falls back to the model's own ``predict``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

__all__ = ["FastPredict", "fast_predict", "fast_predictor", "is_xgboost_booster", "prepare"]

#: ``predict(data)`` → the model's predictions, or None when the fast path does not apply.
FastPredict = Callable[[Any], np.ndarray | None]

# Booster -> its TreeWalker, or None when the walker does not cover it (compiled once).
_WALKERS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def is_xgboost_booster(model: Any) -> bool:
    return type(model).__name__ == "Booster" and type(model).__module__.startswith("xgboost")


def _walker(booster: Any) -> Any:
    try:
        return _WALKERS[booster]
    except KeyError:
        from sabio.algorithms.xgboost._walk import TreeWalker

        walker = _WALKERS[booster] = TreeWalker.compile(booster)
        return walker


def prepare(model: Any) -> None:
    """Build ``model``'s fast path now (at load time) rather than on the first request."""
    if is_xgboost_booster(model):
        _walker(model)


def fast_predictor(model: Any) -> FastPredict | None:
    """:func:`fast_predict` bound to ``model``, without finding its fast path again on every
    call; None when ``model`` has none."""
    if is_xgboost_booster(model):
        walker = _walker(model)
        return None if walker is None else walker.predict  # type: ignore[no-any-return]
    if not type(model).__module__.startswith("sklearn."):
        return None
    return partial(_sklearn_predict, model)


def fast_predict(model: Any, data: Any) -> np.ndarray | None:
    """``model.predict(data)`` (``inplace_predict`` for a Booster) computed directly, or
    None when no fast path applies."""
    predict = fast_predictor(model)
    return None if predict is None else predict(data)


def _sklearn_predict(model: Any, data: Any) -> np.ndarray | None:
    # Imported here: sabio.algorithms pulls in pandas, which a server for other models
    # need not load; a scikit-learn model has paid for its imports already.
    from sabio.algorithms._sklearn import forest_output

    output = forest_output(model, data)
    if output is None or output.ndim == 1:
        return output  # None, or a regressor's values
    # A classifier: the forest predicts the class of the highest mean probability.
    result: np.ndarray = model.classes_.take(np.argmax(output, axis=1), axis=0)
    return result
