"""Hyperparameter ranges of a tuning job (SageMaker's ``sagemaker.parameter``).

Example:
    >>> from sabio.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter
    >>> ranges = {
    ...     "learning_rate": ContinuousParameter(1e-4, 0.1, scaling_type="Logarithmic"),
    ...     "batch_size": IntegerParameter(32, 128),
    ...     "activation": CategoricalParameter(["relu", "tanh", "sigmoid"]),
    ... }
    >>> ranges["batch_size"].as_tuning_range("batch_size")
    {'Name': 'batch_size', 'MinValue': '32', 'MaxValue': '128', 'ScalingType': 'Auto'}
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from sabio.exceptions import ValidationError

__all__ = [
    "CategoricalParameter",
    "ContinuousParameter",
    "IntegerParameter",
    "ParameterRange",
]

_SCALINGS = ("Auto", "Linear", "Logarithmic", "ReverseLogarithmic")


class ParameterRange:
    """A numeric range to search (base of :class:`ContinuousParameter` and
    :class:`IntegerParameter`).

    Args:
        min_value: lower bound (included).
        max_value: upper bound (included).
        scaling_type: ``Auto``, ``Linear``, ``Logarithmic`` (needs ``min_value > 0``) or
            ``ReverseLogarithmic`` (continuous only, needs ``0 <= min < max < 1``).

    Raises:
        ValidationError: bounds in the wrong order, not numbers, or not fit for the scaling.
    """

    #: SageMaker's ``ParameterRanges`` key of this kind.
    kind: ClassVar[str] = "Continuous"
    _number: ClassVar[type] = float

    def __init__(
        self,
        min_value: float | int | str,
        max_value: float | int | str,
        scaling_type: str = "Auto",
    ) -> None:
        low, high = self._coerce(min_value, "min_value"), self._coerce(max_value, "max_value")
        if scaling_type not in _SCALINGS:
            raise ValidationError(
                f"scaling_type must be one of {', '.join(_SCALINGS)}, got {scaling_type!r}."
            )
        if low > high:
            raise ValidationError(
                f"{type(self).__name__}: min_value {low} is greater than max_value {high}. "
                "Swap them."
            )
        if scaling_type == "Logarithmic" and low <= 0:
            raise ValidationError(
                f"{type(self).__name__}({low}, {high}): Logarithmic scaling needs "
                f"min_value > 0, got {low}. Use a positive lower bound (e.g. 1e-5) or "
                "scaling_type='Linear'."
            )
        if scaling_type == "ReverseLogarithmic":
            if self.kind == "Integer":
                raise ValidationError(
                    "IntegerParameter does not support ReverseLogarithmic scaling (SageMaker's "
                    "rule); use Linear, Logarithmic or Auto."
                )
            if not (low >= 0 and high < 1):
                raise ValidationError(
                    f"ContinuousParameter({low}, {high}): ReverseLogarithmic scaling needs "
                    "0 <= min_value and max_value < 1 (e.g. a momentum in [0.9, 0.999])."
                )
        self.min_value = low
        self.max_value = high
        self.scaling_type = scaling_type

    def _coerce(self, value: Any, what: str) -> Any:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(
                f"{type(self).__name__}: {what} must be a number, got {value!r}."
            ) from None
        if not math.isfinite(number):
            raise ValidationError(f"{type(self).__name__}: {what} must be finite, got {value!r}.")
        if self._number is int:
            if not number.is_integer():
                raise ValidationError(
                    f"IntegerParameter: {what} must be a whole number, got {value!r}."
                )
            return int(number)
        return number

    def is_valid(self, value: Any) -> bool:
        """Whether ``value`` lies in the range."""
        try:
            return bool(self.min_value <= float(value) <= self.max_value)
        except (TypeError, ValueError):
            return False

    @classmethod
    def cast_to_type(cls, value: Any) -> Any:
        """Convert a value to this range's type (float or int)."""
        return cls._number(float(value))

    def as_tuning_range(self, name: str) -> dict[str, Any]:
        """The range in SageMaker's ``CreateHyperParameterTuningJob`` request shape."""
        return {
            "Name": name,
            "MinValue": str(self.min_value),
            "MaxValue": str(self.max_value),
            "ScalingType": self.scaling_type,
        }

    def _spec(self, name: str) -> dict[str, Any]:
        return {
            "Name": name,
            "MinValue": self.min_value,
            "MaxValue": self.max_value,
            "ScalingType": self.scaling_type,
        }

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.min_value!r}, {self.max_value!r}, "
            f"scaling_type={self.scaling_type!r})"
        )


class ContinuousParameter(ParameterRange):
    """A real-valued range, e.g. ``ContinuousParameter(1e-4, 0.1, "Logarithmic")``."""

    kind = "Continuous"
    _number = float


class IntegerParameter(ParameterRange):
    """An integer range with both ends included, e.g. ``IntegerParameter(32, 128)``."""

    kind = "Integer"
    _number = int


class CategoricalParameter:
    """A choice among values, e.g. ``CategoricalParameter(["relu", "tanh"])``.

    Values may be strings, numbers or booleans; trials receive them as given.

    Raises:
        ValidationError: fewer than two distinct values, or values that are not scalars.
    """

    kind: ClassVar[str] = "Categorical"

    def __init__(self, values: Any) -> None:
        if isinstance(values, str | int | float | bool):
            values = [values]
        values = list(values)
        for value in values:
            if not isinstance(value, str | int | float | bool):
                raise ValidationError(
                    f"CategoricalParameter values must be strings, numbers or booleans, got "
                    f"{value!r} ({type(value).__name__})."
                )
        if len(values) < 2 or len({repr(v) for v in values}) < 2:
            raise ValidationError(
                f"CategoricalParameter needs at least 2 different values, got {values!r}. "
                "A single value is not tuned: set it in the estimator's hyperparameters."
            )
        if len({repr(v) for v in values}) != len(values):
            raise ValidationError(f"CategoricalParameter values repeat: {values!r}.")
        self.values = values

    def is_valid(self, value: Any) -> bool:
        """Whether ``value`` is one of the values."""
        return value in self.values

    def as_tuning_range(self, name: str) -> dict[str, Any]:
        """The range in SageMaker's request shape (values as strings)."""
        return {"Name": name, "Values": [str(v) for v in self.values]}

    def _spec(self, name: str) -> dict[str, Any]:
        return {"Name": name, "Values": list(self.values)}

    def __repr__(self) -> str:
        return f"CategoricalParameter({self.values!r})"


def ranges_spec(ranges: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The ``ParameterRanges`` of a tuning job from ``{name: range}``.

    Raises:
        ValidationError: a value that is not a range.
    """
    spec: dict[str, list[dict[str, Any]]] = {
        "ContinuousParameterRanges": [],
        "IntegerParameterRanges": [],
        "CategoricalParameterRanges": [],
    }
    if not isinstance(ranges, dict) or not ranges:
        raise ValidationError(
            "hyperparameter_ranges must be a non-empty dict of name -> ContinuousParameter, "
            f"IntegerParameter or CategoricalParameter, got {ranges!r}."
        )
    for name, item in ranges.items():
        if not isinstance(item, ParameterRange | CategoricalParameter):
            raise ValidationError(
                f"hyperparameter_ranges[{name!r}] must be a ContinuousParameter, "
                f"IntegerParameter or CategoricalParameter, got {item!r}."
            )
        spec[f"{item.kind}ParameterRanges"].append(item._spec(name))
    return spec
