"""Conditions evaluate as SageMaker's do; ordering needs numbers."""

from __future__ import annotations

import pytest

from sabio.exceptions import ValidationError
from sabio.pipelines._conditions import evaluate


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"Type": "Equals", "LeftValue": "a", "RightValue": "a"}, True),
        ({"Type": "GreaterThan", "LeftValue": 2, "RightValue": 1}, True),
        ({"Type": "GreaterThanOrEqualTo", "LeftValue": 1, "RightValue": 1.0}, True),
        ({"Type": "LessThan", "LeftValue": "0.5", "RightValue": 1}, True),
        ({"Type": "LessThanOrEqualTo", "LeftValue": 2, "RightValue": 1}, False),
        ({"Type": "In", "QueryValue": "b", "Values": ["a", "b"]}, True),
        ({"Type": "Not", "Expression": {"Type": "Equals", "LeftValue": 1, "RightValue": 1}}, False),
        (
            {
                "Type": "Or",
                "Conditions": [
                    {"Type": "Equals", "LeftValue": 1, "RightValue": 2},
                    {"Type": "In", "QueryValue": 1, "Values": [1]},
                ],
            },
            True,
        ),
    ],
)
def test_conditions_evaluate(condition: dict[str, object], expected: bool) -> None:
    assert evaluate("Check", [condition]) is expected


def test_conditions_all_must_hold() -> None:
    holds = {"Type": "Equals", "LeftValue": 1, "RightValue": 1}
    fails = {"Type": "Equals", "LeftValue": 1, "RightValue": 2}
    assert evaluate("Check", [holds, holds]) is True
    assert evaluate("Check", [holds, fails]) is False


def test_conditions_ordering_a_non_number_names_the_step() -> None:
    with pytest.raises(ValidationError, match=r"Condition step 'Check': GreaterThan got 'n/a'"):
        evaluate("Check", [{"Type": "GreaterThan", "LeftValue": "n/a", "RightValue": 0.7}])
