"""``sabio.workflow.callback_step``: ``CallbackStep`` waits until someone completes it.

The step publishes a token (in its metadata, ``execution.list_steps()``, and the execution
log); ``Session().send_pipeline_execution_step_success(CallbackToken=...,
OutputParameters=[{"Name": ..., "Value": ...}])`` or ``sabio pipelines send-step-success``
completes it, ``..._failure`` fails it.
"""

from __future__ import annotations

from typing import Any

from sabio.workflow._outputs import StepOutput, StepOutputType
from sabio.workflow.entities import RequestType, serialize
from sabio.workflow.lambda_step import _OutputsProperties
from sabio.workflow.properties import Properties
from sabio.workflow.steps import Step, StepTypeEnum

__all__ = ["CallbackOutput", "CallbackOutputTypeEnum", "CallbackStep"]

CallbackOutputTypeEnum = StepOutputType


class CallbackOutput(StepOutput):
    """An output a callback sends back."""


class CallbackStep(Step):
    """Wait for a callback; ``inputs`` go into the message, ``outputs`` come back."""

    step_type = StepTypeEnum.CALLBACK

    def __init__(
        self,
        name: str,
        sqs_queue_url: str,
        inputs: dict[str, Any],
        outputs: list[CallbackOutput],
        display_name: str | None = None,
        description: str | None = None,
        cache_config: Any = None,
        depends_on: list[Any] | None = None,
    ) -> None:
        super().__init__(name, display_name, description, StepTypeEnum.CALLBACK, depends_on)
        self.sqs_queue_url = sqs_queue_url
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
        request["SqsQueueUrl"] = self.sqs_queue_url
        request["OutputParameters"] = [o.to_request() for o in self.outputs]
        return serialize(request)  # type: ignore[no-any-return]
