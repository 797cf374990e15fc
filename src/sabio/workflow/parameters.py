"""``sabio.workflow.parameters``: pipeline parameters (SageMaker's ``ParameterString`` ...).

Example:
    >>> from sabio.workflow.parameters import ParameterInteger
    >>> ParameterInteger(name="Epochs", default_value=10).expr
    {'Get': 'Parameters.Epochs'}
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sabio.exceptions import ValidationError
from sabio.workflow.entities import PipelineVariable, RequestType

__all__ = [
    "Parameter",
    "ParameterBoolean",
    "ParameterFloat",
    "ParameterInteger",
    "ParameterString",
    "ParameterTypeEnum",
]


class ParameterTypeEnum(Enum):
    """The parameter types of a pipeline definition."""

    STRING = "String"
    INTEGER = "Integer"
    BOOLEAN = "Boolean"
    FLOAT = "Float"


class Parameter(PipelineVariable):
    """A pipeline parameter: a name, a type and an optional default."""

    parameter_type: ParameterTypeEnum = ParameterTypeEnum.STRING
    _python: tuple[type, ...] = (str,)

    def __init__(self, name: str, default_value: Any = None, **kwargs: Any) -> None:
        if not isinstance(name, str) or not name:
            raise ValidationError(f"A pipeline parameter needs a name, got {name!r}.")
        if default_value is not None and (
            isinstance(default_value, bool) != (self._python == (bool,))
            or not isinstance(default_value, self._python)
        ):
            raise ValidationError(
                f"{type(self).__name__} {name!r}: default_value {default_value!r} "
                f"({type(default_value).__name__}) is not a {self.parameter_type.value}."
            )
        self.name = name
        self.default_value = default_value
        self.enum_values: list[Any] | None = kwargs.get("enum_values")

    @property
    def expr(self) -> RequestType:
        return {"Get": f"Parameters.{self.name}"}

    def to_definition(self) -> RequestType:
        """The parameter's entry in the definition's ``Parameters``."""
        entry: RequestType = {"Name": self.name, "Type": self.parameter_type.value}
        if self.default_value is not None:
            entry["DefaultValue"] = self.default_value
        if self.enum_values:
            entry["EnumValues"] = list(self.enum_values)
        return entry

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, default_value={self.default_value!r})"


class ParameterString(Parameter):
    """A string parameter (``enum_values`` limits its values)."""

    parameter_type = ParameterTypeEnum.STRING
    _python = (str,)

    def __init__(
        self, name: str, default_value: str | None = None, enum_values: list[str] | None = None
    ) -> None:
        super().__init__(name, default_value, enum_values=enum_values)


class ParameterInteger(Parameter):
    """An integer parameter."""

    parameter_type = ParameterTypeEnum.INTEGER
    _python = (int,)


class ParameterFloat(Parameter):
    """A float parameter (an int default is accepted)."""

    parameter_type = ParameterTypeEnum.FLOAT
    _python = (float, int)


class ParameterBoolean(Parameter):
    """A boolean parameter."""

    parameter_type = ParameterTypeEnum.BOOLEAN
    _python = (bool,)
