"""Expressions of a pipeline definition: ``{"Get": ...}``, ``Std:Join``, ``Std:JsonGet``.

``{"Get": "Parameters.X"}`` reads a parameter, ``{"Get": "Execution.PipelineExecutionId"}``
an execution variable, ``{"Get": "Steps.S.ModelArtifacts.S3ModelArtifacts"}`` a property of
step ``S`` (its Describe* response; a list such as ``ProcessingOutputConfig.Outputs['train']``
is indexed by its items' name), ``{"Get": "Steps.S.PropertyFiles.F"}`` a property file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sabio.exceptions import ValidationError

__all__ = [
    "EXECUTION_VARIABLES",
    "PropertyPath",
    "Resolver",
    "iter_references",
    "parse_property",
]

EXECUTION_VARIABLES = frozenset(
    {
        "Execution.StartDateTime",
        "Execution.CurrentDateTime",
        "Execution.PipelineName",
        "Execution.PipelineArn",
        "Execution.PipelineExecutionId",
        "Execution.PipelineExecutionArn",
    }
)

_TOKEN = re.compile(r"\.?([A-Za-z0-9_]+)|\[(\d+)\]|\[(['\"])(.*?)\3\]")


@dataclass(frozen=True)
class PropertyPath:
    """A reference to a step's property (``path``) or property file."""

    step: str
    path: tuple[str | int, ...] = ()
    property_file: str | None = None
    text: str = field(default="", compare=False)


def parse_property(text: str) -> PropertyPath:
    """Parse ``Steps.<name>.<path>`` (``Outputs['train']``, ``Summaries[0]`` ...).

    Raises:
        ValidationError: not a property reference.
    """
    if not text.startswith("Steps."):
        raise ValidationError(f"{text!r} is not a step property reference (Steps.<name>...).")
    step, _, rest = text[len("Steps.") :].partition(".")
    tokens: list[str | int] = []
    position = 0
    while position < len(rest):
        match = _TOKEN.match(rest, position)
        if match is None or match.end() == position:
            raise ValidationError(
                f"Cannot read the property reference {text!r} at {rest[position:]!r}: use "
                "names, [0] indexes and ['name'] keys (Outputs['train'].S3Output.S3Uri)."
            )
        name, index, _, key = match.groups()
        tokens.append(name if name is not None else int(index) if index is not None else key)
        position = match.end()
    if len(tokens) == 2 and tokens[0] == "PropertyFiles":
        return PropertyPath(step, (), str(tokens[1]), text)
    return PropertyPath(step, tuple(tokens), None, text)


def _get(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Get"), str):
        return str(value["Get"])
    return None


def iter_references(value: Any) -> Iterator[PropertyPath | str]:
    """Every reference in a JSON value: :class:`PropertyPath` for steps, the text else."""
    target = _get(value)
    if target is not None:
        yield parse_property(target) if target.startswith("Steps.") else target
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from iter_references(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_references(item)


def _name_of(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    for key in ("OutputName", "InputName", "Name", "ChannelName", "MetricName"):
        if isinstance(item.get(key), str):
            return str(item[key])
    return None


def navigate(value: Any, path: tuple[str | int, ...], where: str) -> Any:
    """Follow a property path into a Describe* response.

    Raises:
        ValidationError: a part of the path is not there (names it and what is).
    """
    for token in path:
        if isinstance(token, int):
            if not isinstance(value, list) or token >= len(value):
                raise ValidationError(f"{where}: no item [{token}] (got {_short(value)}).")
            value = value[token]
        elif isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list):
            found = [item for item in value if _name_of(item) == token]
            if not found:
                names = [_name_of(item) for item in value]
                raise ValidationError(f"{where}: no item named {token!r} (there are {names}).")
            value = found[0]
        else:
            keys = sorted(value) if isinstance(value, dict) else _short(value)
            raise ValidationError(f"{where}: no {token!r} (there is {keys}).")
    return value


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) < 120 else text[:117] + "..."


class Resolver:
    """Resolves the expressions of one execution.

    Args:
        parameters: the execution's parameter values.
        variables: the execution variables (``Execution.PipelineExecutionId`` ...).
        properties: each finished step's properties.
        read_property_file: ``(step, file name) -> parsed JSON`` of a property file.
    """

    def __init__(
        self,
        parameters: dict[str, Any],
        variables: dict[str, Any],
        properties: dict[str, dict[str, Any]],
        read_property_file: Callable[[str, str], Any],
        read_json: Callable[[str], Any],
    ) -> None:
        self.parameters = parameters
        self.variables = variables
        self.properties = properties
        self.read_property_file = read_property_file
        self.read_json = read_json

    def resolve(self, value: Any, step: str) -> Any:
        """``value`` with every expression replaced by its value (for step ``step``)."""
        target = _get(value)
        if target is not None:
            return self._get(target, step)
        if isinstance(value, dict):
            if set(value) == {"Std:Join"}:
                join = value["Std:Join"]
                parts = [self.resolve(v, step) for v in join.get("Values", [])]
                return str(join.get("On", "")).join(_text(p) for p in parts)
            if set(value) == {"Std:JsonGet"}:
                return self._json_get(value["Std:JsonGet"], step)
            return {k: self.resolve(v, step) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, step) for v in value]
        return value

    def _get(self, target: str, step: str) -> Any:
        if target.startswith("Parameters."):
            return self.parameters[target[len("Parameters.") :]]
        if target.startswith("Execution."):
            return self.variables[target]
        ref = parse_property(target)
        if ref.property_file is not None:
            return self.read_property_file(ref.step, ref.property_file)
        if ref.step not in self.properties:
            raise ValidationError(
                f"Step {step!r} reads {target}, but step {ref.step!r} did not run in this "
                "execution (a condition skipped it)."
            )
        return navigate(self.properties[ref.step], ref.path, f"Step {step!r} reads {target}")

    def _json_get(self, spec: dict[str, Any], step: str) -> Any:
        path = str(self.resolve(spec.get("Path", ""), step))
        if "PropertyFile" in spec:
            document = self.resolve(spec["PropertyFile"], step)
            where = f"Step {step!r}: JsonGet of {path!r} in property file"
        else:
            uri = str(self.resolve(spec.get("S3Uri"), step))
            document = self.read_json(uri)
            where = f"Step {step!r}: JsonGet of {path!r} in {uri}"
        tokens = parse_property(f"Steps.x.{path}").path if path else ()
        return navigate(document, tokens, where)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)
