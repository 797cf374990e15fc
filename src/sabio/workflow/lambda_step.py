"""``sabio.workflow.lambda_step``: ``LambdaStep`` calls a workspace function
(:class:`sabio.lambda_helper.Lambda`) with its inputs; its outputs are pipeline variables."""

from __future__ import annotations

from typing import Any

from sabio.workflow._outputs import StepOutput, StepOutputType
from sabio.workflow.entities import RequestType, serialize
from sabio.workflow.properties import Properties
from sabio.workflow.steps import Step, StepTypeEnum

__all__ = ["LambdaOutput", "LambdaOutputTypeEnum", "LambdaStep"]

LambdaOutputTypeEnum = StepOutputType


class LambdaOutput(StepOutput):
    """An output of a Lambda step (a key of the dict its function returns)."""


class LambdaStep(Step):
    """Call ``lambda_func`` with ``inputs`` (the event). Properties: ``Outputs["name"]``."""

    step_type = StepTypeEnum.LAMBDA

    def __init__(
        self,
        name: str,
        lambda_func: Any,
        display_name: str | None = None,
        description: str | None = None,
        inputs: dict[str, Any] | None = None,
        outputs: list[LambdaOutput] | None = None,
        cache_config: Any = None,
        depends_on: list[Any] | None = None,
    ) -> None:
        super().__init__(name, display_name, description, StepTypeEnum.LAMBDA, depends_on)
        self.lambda_func = lambda_func
        self.inputs = dict(inputs or {})
        self.outputs = list(outputs or [])
        for output in self.outputs:
            output.step_name = name
        self.cache_config = cache_config

    @property
    def arguments(self) -> RequestType:
        return dict(self.inputs)

    @property
    def properties(self) -> Properties:
        return _OutputsProperties(self.name)

    def to_request(self) -> RequestType:
        request = super().to_request()
        request["FunctionArn"] = self.lambda_func.function_arn
        request["OutputParameters"] = [o.to_request() for o in self.outputs]
        if self.cache_config is not None:
            request.update(self.cache_config.config)
        return serialize(request)  # type: ignore[no-any-return]


class _OutputsProperties(Properties):
    """``step.properties.Outputs["name"]`` of Lambda and Callback steps."""

    def __getattr__(self, name: str) -> Properties:
        if name == "Outputs":
            return Properties(self.step_name, "OutputParameters")
        return super().__getattr__(name)
