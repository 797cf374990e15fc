"""The prediction task (SageMaker's ``predictor_type``) and the label encoding.

``predictor_type`` is one of ``binary_classifier``, ``multiclass_classifier`` or
``regressor``. When omitted it is inferred from the label: text or exactly two distinct values
→ classification; whole numbers with at most ten distinct values → multiclass; anything else
→ regression. The inference is printed so users can override it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sabio.algorithms._errors import DataError, HyperparameterError

__all__ = [
    "BINARY",
    "MULTICLASS",
    "REGRESSOR",
    "LabelEncoding",
    "class_key",
    "fit_label_encoding",
    "infer_predictor_type",
    "regression_target",
]

BINARY = "binary_classifier"
MULTICLASS = "multiclass_classifier"
REGRESSOR = "regressor"

_MAX_INFERRED_CLASSES = 10


def class_key(value: Any) -> str:
    """Canonical text of a label value, so 1, 1.0, np.int64(1) and "1" are the same class."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value).strip()


def _json_value(value: Any) -> Any:
    """Label value as a plain JSON scalar (integral floats become ints)."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return int(number) if number.is_integer() else number
    return str(value)


def infer_predictor_type(label: pd.Series) -> tuple[str, str]:
    """Guess the task from the label values; returns ``(predictor_type, reason)``."""
    values = label.dropna()
    distinct = values.nunique()
    numeric = pd.to_numeric(values, errors="coerce")
    is_numeric = bool(numeric.notna().all()) and not pd.api.types.is_bool_dtype(values)
    if distinct <= 2:
        return BINARY, f"the label has {distinct} distinct values"
    if not is_numeric:
        return MULTICLASS, f"the label is text with {distinct} distinct values"
    whole = bool(np.all(np.mod(numeric.to_numpy(dtype=np.float64), 1.0) == 0.0))
    if whole and distinct <= _MAX_INFERRED_CLASSES:
        return MULTICLASS, f"the label holds {distinct} distinct whole numbers"
    return REGRESSOR, "the label is numeric with many distinct values"


@dataclass
class LabelEncoding:
    """Maps label values to class indices ``0..k-1`` (binary: index 1 is the positive class).

    Attributes:
        classes: the label values in index order, as JSON scalars.
    """

    classes: list[Any]

    @property
    def keys(self) -> list[str]:
        """Canonical text of each class."""
        return [class_key(value) for value in self.classes]

    def encode(self, label: pd.Series, channel: str) -> npt.NDArray[np.int64]:
        """Class indices of ``label``.

        Raises:
            DataError: for a value that is not one of the training classes.
        """
        lookup = {key: index for index, key in enumerate(self.keys)}
        keys = [class_key(value) for value in label.tolist()]
        unknown = sorted({key for key in keys if key not in lookup})
        if unknown:
            raise DataError(
                f"Channel {channel!r} has label values {unknown[:5]} that do not occur in the "
                f"training data (classes: {self.keys[:20]}). Every class needs training examples."
            )
        return np.asarray([lookup[key] for key in keys], dtype=np.int64)

    def to_json(self) -> dict[str, Any]:
        """JSON form saved with the model."""
        return {"classes": self.classes}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabelEncoding:
        """Inverse of :meth:`to_json`."""
        return cls(classes=list(data["classes"]))


def fit_label_encoding(
    label: pd.Series, predictor_type: str, positive_class: str | None
) -> LabelEncoding:
    """Build the class list from training labels.

    Classes are sorted (numerically when all numeric); for a binary task the larger value
    (or ``positive_class``) is the positive class.

    Raises:
        DataError: a binary task whose label does not have exactly two values.
        HyperparameterError: ``positive_class`` is not one of the label values.
    """
    unique = pd.unique(label.dropna())
    by_key: dict[str, Any] = {}
    for value in unique:
        by_key.setdefault(class_key(value), _json_value(value))
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in by_key.values())
    ordered = sorted(by_key, key=lambda k: (float(by_key[k]), k) if numeric else (0.0, k))
    if predictor_type == BINARY and len(ordered) != 2:
        raise DataError(
            f"predictor_type 'binary_classifier' needs exactly 2 label values, got "
            f"{len(ordered)}: {ordered[:10]}. Use 'multiclass_classifier' or 'regressor'."
        )
    if positive_class is not None:
        wanted = class_key(positive_class)
        if wanted not in by_key:
            raise HyperparameterError(
                f"Hyperparameter 'positive_class' must be one of the label values {ordered[:20]}, "
                f"got {positive_class!r}."
            )
        if predictor_type == BINARY:
            ordered = [key for key in ordered if key != wanted] + [wanted]
    return LabelEncoding(classes=[by_key[key] for key in ordered])


def regression_target(label: pd.Series, channel: str) -> npt.NDArray[np.float64]:
    """Numeric label values of a regression task.

    Raises:
        DataError: for a non-numeric value, naming its row.
    """
    numbers = pd.to_numeric(label, errors="coerce")
    bad = numbers.isna() & label.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"Channel {channel!r}: the label must be numeric for predictor_type 'regressor', "
            f"got {label.iloc[row]!r} at row {row + 1}."
        )
    values: npt.NDArray[np.float64] = numbers.to_numpy(dtype=np.float64)
    return values
