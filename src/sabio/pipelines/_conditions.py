"""Condition steps: SageMaker's condition JSON, checked before the run and evaluated in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sabio.exceptions import ValidationError

__all__ = ["COMPARISONS", "check_conditions", "evaluate"]

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": lambda a, b: bool(a == b),
    "GreaterThan": lambda a, b: bool(a > b),
    "GreaterThanOrEqualTo": lambda a, b: bool(a >= b),
    "LessThan": lambda a, b: bool(a < b),
    "LessThanOrEqualTo": lambda a, b: bool(a <= b),
}
_KINDS = (*COMPARISONS, "In", "Not", "Or")


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_conditions(step: str, conditions: Any, parameter_types: dict[str, str]) -> None:
    """Refuse conditions that cannot be evaluated: unknown types, and an ordering
    comparison (``GreaterThan`` ...) of a literal or parameter that is not a number.

    Raises:
        ValidationError: naming the step and the condition.
    """
    if not isinstance(conditions, list):
        raise ValidationError(f"Condition step {step!r} needs a list of conditions.")
    for condition in conditions:
        kind = condition.get("Type") if isinstance(condition, dict) else None
        if kind not in _KINDS:
            raise ValidationError(
                f"Condition step {step!r} has a condition of type {kind!r}; sabio knows "
                f"{', '.join(_KINDS)}."
            )
        if kind == "Not":
            check_conditions(step, [condition.get("Expression")], parameter_types)
        elif kind == "Or":
            check_conditions(step, condition.get("Conditions"), parameter_types)
        elif kind != "In" and kind != "Equals":
            for side in ("LeftValue", "RightValue"):
                _check_operand(step, kind, side, condition.get(side), parameter_types)


def _check_operand(step: str, kind: str, side: str, value: Any, types: dict[str, str]) -> None:
    if isinstance(value, dict):
        target = value.get("Get")
        if isinstance(target, str) and target.startswith("Parameters."):
            declared = types.get(target[len("Parameters.") :])
            if declared in ("String", "Boolean"):
                raise ValidationError(
                    f"Condition step {step!r}: {kind} compares {target} ({declared}) but needs "
                    "numbers. Use ParameterInteger or ParameterFloat, or ConditionEquals."
                )
        return  # a step property or JsonGet: checked when evaluated
    if not _numeric(value):
        raise ValidationError(
            f"Condition step {step!r}: {kind} {side} is {value!r} "
            f"({type(value).__name__}), not a number. Compare numbers (or use ConditionEquals)."
        )


def evaluate(step: str, conditions: list[dict[str, Any]]) -> bool:
    """Whether every (resolved) condition holds.

    Raises:
        ValidationError: an ordering comparison of a value that is not a number.
    """
    return all(_holds(step, c) for c in conditions)


def _holds(step: str, condition: dict[str, Any]) -> bool:
    kind = condition["Type"]
    if kind == "Not":
        return not _holds(step, condition["Expression"])
    if kind == "Or":
        return any(_holds(step, c) for c in condition["Conditions"])
    if kind == "In":
        return condition.get("QueryValue") in list(condition.get("Values") or [])
    left, right = condition.get("LeftValue"), condition.get("RightValue")
    if kind != "Equals":
        left, right = _number(step, kind, left), _number(step, kind, right)
    return COMPARISONS[kind](left, right)


def _number(step: str, kind: str, value: Any) -> float:
    if _numeric(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise ValidationError(
        f"Condition step {step!r}: {kind} got {value!r} ({type(value).__name__}), which is not "
        "a number. Check what the condition reads (a JsonGet path, a step property)."
    )
