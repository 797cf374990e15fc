"""Pipeline parameter values: defaults filled in, types checked before anything runs."""

from __future__ import annotations

from typing import Any

from sabio.exceptions import ValidationError, did_you_mean
from sabio.pipelines._definition import ParameterDefinition, PipelineDefinition

__all__ = ["coerce_parameter", "resolve_parameters"]


def coerce_parameter(parameter: ParameterDefinition, value: Any) -> Any:
    """``value`` as the parameter's type (strings as StartPipelineExecution sends them are
    parsed).

    Raises:
        ValidationError: the value is not of the parameter's type.
    """
    kind = parameter.Type
    article = "an" if kind == "Integer" else "a"

    def refuse() -> ValidationError:
        return ValidationError(
            f"Pipeline parameter {parameter.Name!r} is {article} {kind} (Parameter{kind}), got "
            f"{value!r} ({type(value).__name__}). Pass {article} {kind.lower()} value."
        )

    if kind == "String":
        if not isinstance(value, str):
            raise refuse()
        result: Any = value
    elif kind == "Boolean":
        if isinstance(value, bool):
            result = value
        elif isinstance(value, str) and value.lower() in ("true", "false"):
            result = value.lower() == "true"
        else:
            raise refuse()
    elif kind == "Integer":
        if isinstance(value, bool):
            raise refuse()
        if isinstance(value, int):
            result = value
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            result = int(value)
        else:
            raise refuse()
    else:
        if isinstance(value, bool):
            raise refuse()
        if isinstance(value, int | float):
            result = float(value)
        else:
            try:
                result = float(value)
            except (TypeError, ValueError):
                raise refuse() from None
    if parameter.EnumValues and result not in parameter.EnumValues:
        raise ValidationError(
            f"Pipeline parameter {parameter.Name!r} must be one of {parameter.EnumValues}, "
            f"got {result!r}."
        )
    return result


def resolve_parameters(definition: PipelineDefinition, given: dict[str, Any]) -> dict[str, Any]:
    """Every parameter's value for an execution: ``given`` over the defaults.

    Raises:
        ValidationError: an unknown name, a wrong type, or a parameter with no value.
    """
    known = [p.Name for p in definition.Parameters]
    for name in given:
        if name not in known:
            raise ValidationError(
                f"Unknown pipeline parameter {name!r}.{did_you_mean(name, known)} The "
                f"pipeline declares: {', '.join(known) or 'none'}."
            )
    values = {}
    for parameter in definition.Parameters:
        if parameter.Name in given:
            values[parameter.Name] = coerce_parameter(parameter, given[parameter.Name])
        elif parameter.DefaultValue is not None:
            values[parameter.Name] = coerce_parameter(parameter, parameter.DefaultValue)
        else:
            raise ValidationError(
                f"Pipeline parameter {parameter.Name!r} has no default value: pass it, e.g. "
                f"pipeline.start(parameters={{{parameter.Name!r}: ...}})."
            )
    return values
