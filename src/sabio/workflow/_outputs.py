"""Outputs of Lambda and Callback steps (``OutputParameters``)."""

from __future__ import annotations

from enum import Enum

from sabio.workflow.entities import PipelineVariable, RequestType

__all__ = ["StepOutput", "StepOutputType"]


class StepOutputType(Enum):
    """Output types."""

    String = "String"
    Integer = "Integer"
    Boolean = "Boolean"
    Float = "Float"


class StepOutput(PipelineVariable):
    """An output of a step; a pipeline variable once its step has a name."""

    def __init__(self, output_name: str, output_type: StepOutputType = StepOutputType.String):
        self.output_name = output_name
        self.output_type = output_type
        self.step_name: str | None = None

    @property
    def expr(self) -> RequestType:
        if self.step_name is None:
            raise ValueError(f"Output {self.output_name!r} is not attached to a step yet.")
        return {"Get": f"Steps.{self.step_name}.OutputParameters['{self.output_name}']"}

    def to_request(self) -> RequestType:
        return {"OutputName": self.output_name, "OutputType": self.output_type.value}
