"""``sabio.workflow.fail_step``: ``FailStep`` ends the execution as Failed with a message."""

from __future__ import annotations

from typing import Any

from sabio.workflow.entities import RequestType
from sabio.workflow.steps import Step, StepTypeEnum

__all__ = ["FailStep"]


class FailStep(Step):
    """Fail the execution; ``error_message`` (text or a ``Join``) becomes its reason."""

    step_type = StepTypeEnum.FAIL

    def __init__(
        self,
        name: str,
        error_message: Any = None,
        display_name: str | None = None,
        description: str | None = None,
        depends_on: list[Any] | None = None,
    ) -> None:
        super().__init__(name, display_name, description, StepTypeEnum.FAIL, depends_on)
        self.error_message = error_message if error_message is not None else ""

    @property
    def arguments(self) -> RequestType:
        return {"ErrorMessage": self.error_message}
