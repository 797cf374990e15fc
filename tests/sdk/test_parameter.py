"""Hyperparameter ranges: SageMaker shapes and clear errors for bad ranges."""

from __future__ import annotations

import pytest

from sabio.exceptions import ValidationError
from sabio.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter


def test_parameter_request_shapes() -> None:
    assert ContinuousParameter(0.1, 1, "Logarithmic").as_tuning_range("lr") == {
        "Name": "lr",
        "MinValue": "0.1",
        "MaxValue": "1.0",
        "ScalingType": "Logarithmic",
    }
    assert IntegerParameter(32, 128).as_tuning_range("b")["MinValue"] == "32"
    assert CategoricalParameter([2, 4]).as_tuning_range("n") == {"Name": "n", "Values": ["2", "4"]}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ContinuousParameter(1, 0), "greater than max_value"),
        (lambda: ContinuousParameter(0, 1, "Logarithmic"), "min_value > 0"),
        (lambda: IntegerParameter(-1, 5, "Logarithmic"), "min_value > 0"),
        (lambda: ContinuousParameter(0.5, 2, "ReverseLogarithmic"), "max_value < 1"),
        (lambda: IntegerParameter(1, 5, "ReverseLogarithmic"), "does not support"),
        (lambda: IntegerParameter(1.5, 5), "whole number"),
        (lambda: ContinuousParameter("a", 1), "must be a number"),
        (lambda: ContinuousParameter(0, 1, "Cubic"), "scaling_type must be one of"),
        (lambda: CategoricalParameter(["relu"]), "at least 2 different values"),
        (lambda: CategoricalParameter(["a", "a", "b"]), "repeat"),
        (lambda: CategoricalParameter([[1], [2]]), "strings, numbers or booleans"),
    ],
)
def test_parameter_bad_ranges(make: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make()  # type: ignore[operator]
