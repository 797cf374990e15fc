"""The RegisterModel step (a definition step of ``ModelStep`` and ``RegisterModel``)."""

from __future__ import annotations

from typing import Any

from sabio.workflow.pipeline_context import _StepArguments
from sabio.workflow.steps import StepTypeEnum, _JobStep

__all__ = ["RegisterModelStep"]


class RegisterModelStep(_JobStep):
    """Registers a model version (``step_args=model.register(...)``). Properties:
    DescribeModelPackage (``ModelPackageArn``, ``ModelApprovalStatus`` ...)."""

    _call = "model.register(...)"

    def __init__(
        self,
        name: str,
        step_args: _StepArguments | None,
        depends_on: list[Any] | None = None,
        retry_policies: Any = None,
        display_name: str | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(
            name,
            StepTypeEnum.REGISTER_MODEL,
            step_args,
            display_name,
            description,
            None,
            depends_on,
            retry_policies,
        )
