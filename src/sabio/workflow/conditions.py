"""``sabio.workflow.conditions``: conditions of a ``ConditionStep`` (SageMaker's shapes).

Example:
    >>> from sabio.workflow.conditions import ConditionGreaterThanOrEqualTo
    >>> ConditionGreaterThanOrEqualTo(left=0.8, right=0.7).to_request()
    {'Type': 'GreaterThanOrEqualTo', 'LeftValue': 0.8, 'RightValue': 0.7}
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sabio.workflow.entities import Entity, RequestType, serialize

__all__ = [
    "Condition",
    "ConditionComparison",
    "ConditionEquals",
    "ConditionGreaterThan",
    "ConditionGreaterThanOrEqualTo",
    "ConditionIn",
    "ConditionLessThan",
    "ConditionLessThanOrEqualTo",
    "ConditionNot",
    "ConditionOr",
    "ConditionTypeEnum",
]


class ConditionTypeEnum(Enum):
    """The condition types of a pipeline definition."""

    EQ = "Equals"
    GT = "GreaterThan"
    GTE = "GreaterThanOrEqualTo"
    IN = "In"
    LT = "LessThan"
    LTE = "LessThanOrEqualTo"
    NOT = "Not"
    OR = "Or"


class Condition(Entity):
    """A condition."""

    condition_type: ConditionTypeEnum


class ConditionComparison(Condition):
    """``left <op> right``; ordering comparisons need numbers (checked before the run for
    literals and parameters, when evaluated for step properties and ``JsonGet``)."""

    def __init__(self, left: Any, right: Any) -> None:
        self.left = left
        self.right = right

    def to_request(self) -> RequestType:
        return {
            "Type": self.condition_type.value,
            "LeftValue": serialize(self.left),
            "RightValue": serialize(self.right),
        }


class ConditionEquals(ConditionComparison):
    """``left == right``."""

    condition_type = ConditionTypeEnum.EQ


class ConditionGreaterThan(ConditionComparison):
    """``left > right``."""

    condition_type = ConditionTypeEnum.GT


class ConditionGreaterThanOrEqualTo(ConditionComparison):
    """``left >= right``."""

    condition_type = ConditionTypeEnum.GTE


class ConditionLessThan(ConditionComparison):
    """``left < right``."""

    condition_type = ConditionTypeEnum.LT


class ConditionLessThanOrEqualTo(ConditionComparison):
    """``left <= right``."""

    condition_type = ConditionTypeEnum.LTE


class ConditionIn(Condition):
    """``value in in_values``."""

    condition_type = ConditionTypeEnum.IN

    def __init__(self, value: Any, in_values: list[Any]) -> None:
        self.value = value
        self.in_values = list(in_values)

    def to_request(self) -> RequestType:
        return {
            "Type": "In",
            "QueryValue": serialize(self.value),
            "Values": serialize(self.in_values),
        }


class ConditionNot(Condition):
    """Not ``expression``."""

    condition_type = ConditionTypeEnum.NOT

    def __init__(self, expression: Condition) -> None:
        self.expression = expression

    def to_request(self) -> RequestType:
        return {"Type": "Not", "Expression": self.expression.to_request()}


class ConditionOr(Condition):
    """Any of ``conditions``."""

    condition_type = ConditionTypeEnum.OR

    def __init__(self, conditions: list[Condition]) -> None:
        self.conditions = list(conditions)

    def to_request(self) -> RequestType:
        return {"Type": "Or", "Conditions": [c.to_request() for c in self.conditions]}
