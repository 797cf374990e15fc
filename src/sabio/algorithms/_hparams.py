"""Hyperparameter declarations, coercion and validation.

SageMaker sends every hyperparameter as a string (``"0.2"``, ``"100"``, ``"binary:logistic"``),
while ``SM_HPS`` may hold decoded JSON values, so each value is coerced to its declared type
and checked against its range. Errors name the hyperparameter, what was expected and what was
received. Names starting with ``_`` (``_tuning_objective_metric``, ``_sagemaker_...``) or
``sagemaker_`` belong to the platform and are never rejected.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sabio.algorithms._errors import HyperparameterError
from sabio.exceptions import did_you_mean

__all__ = [
    "COMMON_PARAMS",
    "TUNING_OBJECTIVE",
    "Param",
    "parse_hyperparameters",
]

Kind = Literal["int", "float", "bool", "str", "choice", "int_list", "str_list"]

#: Hyperparameter the tuner uses to name the metric it optimises (e.g. ``validation:auc``).
TUNING_OBJECTIVE = "_tuning_objective_metric"

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True)
class Param:
    """One declared hyperparameter.

    Attributes:
        name: the name users pass.
        kind: value type after coercion.
        default: value when omitted (``None``: no value, the algorithm decides).
        required: omitting it is an error.
        low, high: inclusive bounds for numbers (``low_open``/``high_open`` make them strict).
        choices: allowed values of a ``choice``.
        auto: the string ``"auto"`` is accepted and means "use the default".
    """

    name: str
    kind: Kind
    default: Any = None
    required: bool = False
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] = ()
    auto: bool = False

    def expected(self) -> str:
        """Describe the accepted values, for error messages."""
        if self.kind == "choice":
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        elif self.kind in ("int", "float"):
            noun = "an integer" if self.kind == "int" else "a number"
            text = noun + self._range()
        elif self.kind == "bool":
            text = "a boolean ('true' or 'false')"
        elif self.kind == "int_list":
            text = "a comma-separated list of positive integers such as '64,32'"
        elif self.kind == "str_list":
            text = "a comma-separated list of names such as 'sex,smoker'"
        else:
            text = "a string"
        return text + (" or 'auto'" if self.auto else "")

    def _range(self) -> str:
        if self.low is None and self.high is None:
            return ""
        left = "(" if self.low_open or self.low is None else "["
        right = ")" if self.high_open or self.high is None else "]"
        low = "-inf" if self.low is None else _fmt(self.low)
        high = "inf" if self.high is None else _fmt(self.high)
        return f" in {left}{low}, {high}{right}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


COMMON_PARAMS: tuple[Param, ...] = (
    Param("target", "str"),
    Param(
        "predictor_type",
        "choice",
        choices=("binary_classifier", "multiclass_classifier", "regressor"),
    ),
    Param("positive_class", "str"),
    Param("subgroup_columns", "str_list", default=[]),
    Param(
        "threshold_metric",
        "choice",
        default="f1",
        choices=("f1", "accuracy", "balanced_accuracy", "youden", "none"),
    ),
)


def parse_hyperparameters(
    raw: Mapping[str, Any], params: Sequence[Param], algorithm: str
) -> dict[str, Any]:
    """Validate ``raw`` against ``params`` and return coerced values (defaults filled in).

    ``_tuning_objective_metric`` is kept (as a string) under its own name when present;
    other platform hyperparameters are dropped.

    Raises:
        HyperparameterError: for unknown names, missing required values, wrong types or
            out-of-range values.
    """
    declared = {param.name: param for param in params}
    result: dict[str, Any] = {}
    for name, value in raw.items():
        if name == TUNING_OBJECTIVE:
            result[name] = str(value)
        elif name.startswith(("_", "sagemaker_")):
            continue
        elif name not in declared:
            raise HyperparameterError(
                f"Unknown hyperparameter {name!r} for the {algorithm} built-in."
                f"{did_you_mean(name, declared)} Accepted: {', '.join(sorted(declared))}."
            )
    for param in params:
        value = raw.get(param.name)
        if value is None or (isinstance(value, str) and value.strip() == ""):
            if param.required:
                raise HyperparameterError(
                    f"Hyperparameter {param.name!r} is required by the {algorithm} built-in: "
                    f"expected {param.expected()}."
                )
            result[param.name] = param.default
            continue
        result[param.name] = coerce(param, value)
    return result


def coerce(param: Param, value: Any) -> Any:
    """Coerce one received value to ``param``'s type, checking its range.

    Raises:
        HyperparameterError: naming the hyperparameter, the expected and received values.
    """
    if param.auto and isinstance(value, str) and value.strip().lower() == "auto":
        return param.default
    try:
        coerced = _COERCERS[param.kind](param, value)
    except (TypeError, ValueError, OverflowError):
        coerced = None
    if coerced is None:
        raise HyperparameterError(
            f"Hyperparameter {param.name!r} must be {param.expected()}, got {value!r}."
            + (did_you_mean(str(value), param.choices) if param.kind == "choice" else "")
        )
    if param.kind in ("int", "float") and not _in_range(param, float(coerced)):
        raise HyperparameterError(
            f"Hyperparameter {param.name!r} must be {param.expected()}, got {value!r}."
        )
    return coerced


def _in_range(param: Param, number: float) -> bool:
    if param.low is not None and (number < param.low or (param.low_open and number == param.low)):
        return False
    return not (
        param.high is not None
        and (number > param.high or (param.high_open and number == param.high))
    )


def _to_int(param: Param, value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    number = float(value.strip()) if isinstance(value, str) else float(value)
    if not math.isfinite(number) or not number.is_integer():
        return None
    return int(number)


def _to_float(param: Param, value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    number = float(value.strip()) if isinstance(value, str) else float(value)
    return number if math.isfinite(number) else None


def _to_bool(param: Param, value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    return False if text in _FALSE else None


def _to_str(param: Param, value: Any) -> str | None:
    return str(value).strip()


def _to_choice(param: Param, value: Any) -> str | None:
    text = str(value).strip()
    if text in param.choices:
        return text
    return text.lower() if text.lower() in param.choices else None


def _split(value: Any) -> list[Any]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            decoded = json.loads(text)
            return list(decoded) if isinstance(decoded, list) else [decoded]
        return [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _to_int_list(param: Param, value: Any) -> list[int] | None:
    items = [_to_int(param, item) for item in _split(value)]
    if not items or any(item is None or item < 1 for item in items):
        return None
    return [int(item) for item in items if item is not None]


def _to_str_list(param: Param, value: Any) -> list[str] | None:
    return [str(item).strip() for item in _split(value) if str(item).strip()]


_COERCERS: dict[str, Any] = {
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "str": _to_str,
    "choice": _to_choice,
    "int_list": _to_int_list,
    "str_list": _to_str_list,
}
