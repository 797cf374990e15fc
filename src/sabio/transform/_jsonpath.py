"""The JSONPath subset SageMaker batch transform accepts in ``input_filter``/``output_filter``.

Supported: ``$`` (everything), child names ``$.features``/``$['features']`` (nested:
``$.a.b``), indexes ``$[0]``/``$[-1]``, index lists ``$[0,2,5]``, slices ``$[1:]``/``$[:3]``/
``$[1:4]`` and wildcards ``$[*]``/``$.*``. A CSV record is filtered as the JSON array of
its fields, so ``$[1:]`` drops the first column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sabio.exceptions import ValidationError

__all__ = ["JsonPath", "parse_jsonpath"]

_STEP = re.compile(
    r"""
    \.(?P<name>[A-Za-z_][\w\-]*)
  | \[\s*'(?P<quoted>[^']*)'\s*\]
  | \[\s*"(?P<dquoted>[^"]*)"\s*\]
  | \[\s*(?P<start>-?\d*)\s*:\s*(?P<stop>-?\d*)\s*\]
  | \[\s*(?P<indexes>-?\d+(?:\s*,\s*-?\d+)*)\s*\]
  | (?P<wild>\.\*|\[\s*\*\s*\])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Step:
    kind: str  # "name", "slice", "indexes", "wild"
    name: str = ""
    start: int | None = None
    stop: int | None = None
    indexes: tuple[int, ...] = ()


class _NoMatch(Exception):
    pass


@dataclass(frozen=True)
class JsonPath:
    """A parsed filter; :meth:`apply` selects from a decoded JSON value."""

    expression: str
    steps: tuple[_Step, ...]

    def apply(self, value: Any) -> Any:
        """Select from ``value``; a list of indexes or a slice gives a list.

        Raises:
            ValidationError: the value lacks the selected key or index.
        """
        try:
            return _apply(value, self.steps)
        except _NoMatch as exc:
            raise ValidationError(
                f"The filter {self.expression!r} selects nothing from the record: {exc}."
            ) from None


def _apply(value: Any, steps: tuple[_Step, ...]) -> Any:
    if not steps:
        return value
    step, rest = steps[0], steps[1:]
    if step.kind == "name":
        if not isinstance(value, dict) or step.name not in value:
            raise _NoMatch(f"no key {step.name!r}")
        return _apply(value[step.name], rest)
    if step.kind == "wild":
        items = list(value.values()) if isinstance(value, dict) else value
        if not isinstance(items, list):
            raise _NoMatch("a wildcard needs an array or object")
        return [_apply(item, rest) for item in items]
    if not isinstance(value, list):
        raise _NoMatch(f"expected an array, got {type(value).__name__}")
    if step.kind == "slice":
        return [_apply(item, rest) for item in value[step.start : step.stop]]
    picked = []
    for index in step.indexes:
        if not -len(value) <= index < len(value):
            raise _NoMatch(f"index {index} is out of range for {len(value)} values")
        picked.append(_apply(value[index], rest))
    return picked[0] if len(step.indexes) == 1 else picked


def parse_jsonpath(expression: str, *, role: str = "filter") -> JsonPath:
    """Parse a JSONPath of the supported subset.

    Raises:
        ValidationError: the expression is not in the supported subset (names the part).
    """
    text = expression.strip()
    if not text.startswith("$"):
        raise ValidationError(
            f"Invalid {role} {expression!r}: a JSONPath starts with '$', e.g. '$[1:]' (drop "
            "the first CSV column) or '$.features'."
        )
    steps: list[_Step] = []
    position = 1
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            raise ValidationError(
                f"Invalid {role} {expression!r}: cannot read {text[position:]!r}. Supported: "
                "$, $.name, $['name'], $[0], $[-1], $[0,2], $[1:], $[:3], $[*]."
            )
        position = match.end()
        if match["name"] or match["quoted"] is not None or match["dquoted"] is not None:
            name = match["name"] or match["quoted"] or match["dquoted"] or ""
            steps.append(_Step("name", name=name))
        elif match["wild"]:
            steps.append(_Step("wild"))
        elif match["indexes"]:
            indexes = tuple(int(i) for i in match["indexes"].split(","))
            steps.append(_Step("indexes", indexes=indexes))
        else:
            start = int(match["start"]) if match["start"] else None
            stop = int(match["stop"]) if match["stop"] else None
            steps.append(_Step("slice", start=start, stop=stop))
    return JsonPath(expression, tuple(steps))
