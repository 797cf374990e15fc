"""Fast paths for small requests to common models, matching their own ``predict`` exactly.

scikit-learn forests spend most of a one-row ``predict`` in input validation and joblib
dispatch, so for a few rows sabio walks the fitted trees itself; the walk is shared with
the built-ins (:func:`sabio.algorithms._sklearn.forest_output`). Anything unusual
(multi-output, missing values, wrong width, a large batch) falls back to the model's own
``predict``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["fast_predict"]


def fast_predict(model: Any, data: Any) -> np.ndarray | None:
    """``model.predict(data)`` computed directly, or None when no fast path applies."""
    if not type(model).__module__.startswith("sklearn."):
        return None
    # Imported here: sabio.algorithms pulls in pandas, which a server for other models
    # need not load; a scikit-learn model has paid for its imports already.
    from sabio.algorithms._sklearn import forest_output

    output = forest_output(model, data)
    if output is None or output.ndim == 1:
        return output  # None, or a regressor's values
    # A classifier: the forest predicts the class of the highest mean probability.
    result: np.ndarray = model.classes_.take(np.argmax(output, axis=1), axis=0)
    return result
