"""``sabio.workflow.model_step``: ``ModelStep`` creates a model (``model.create()``) or
registers one (``model.register()``) from ``step_args`` built under a PipelineSession.

Its definition steps are named as SageMaker names them: ``<name>-CreateModel`` and
``<name>-RegisterModel``.
"""

from __future__ import annotations

from typing import Any

from sabio.exceptions import ValidationError
from sabio.workflow.pipeline_context import _StepArguments
from sabio.workflow.step_collections import StepCollection
from sabio.workflow.steps import CreateModelStep, Step

__all__ = ["ModelStep"]


class ModelStep(StepCollection):
    """Create or register a model in a pipeline.

    Args:
        name: the step's name (its definition step gets a ``-CreateModel`` or
            ``-RegisterModel`` suffix).
        step_args: what ``model.create(...)`` or ``model.register(...)`` returned under a
            PipelineSession.
    """

    def __init__(
        self,
        name: str,
        step_args: _StepArguments,
        depends_on: list[Any] | None = None,
        retry_policies: Any = None,
        display_name: str | None = None,
        description: str | None = None,
    ) -> None:
        if not isinstance(step_args, _StepArguments):
            raise ValidationError(
                f"ModelStep {name!r} needs step_args from model.create() or model.register() "
                "called on a model whose sagemaker_session is a PipelineSession."
            )
        steps: list[Step]
        if step_args.caller_name == "create":
            steps = [
                CreateModelStep(
                    f"{name}-CreateModel",
                    step_args=step_args,
                    depends_on=depends_on,
                    retry_policies=_policies(retry_policies, "create_model_retry_policies"),
                    display_name=display_name,
                    description=description,
                )
            ]
        elif step_args.caller_name == "register":
            steps = [_register_step(name, step_args, depends_on, display_name, description)]
        else:
            raise ValidationError(
                f"ModelStep {name!r}: step_args come from {step_args.caller_name}(); pass "
                "model.create(...) or model.register(...)."
            )
        super().__init__(name, steps, depends_on)


def _policies(policies: Any, key: str) -> Any:
    if isinstance(policies, dict):
        return policies.get(key)
    return policies


def _register_step(
    name: str,
    step_args: _StepArguments,
    depends_on: Any,
    display_name: str | None,
    description: str | None,
) -> Step:
    from sabio.workflow._register import RegisterModelStep

    step: Step = RegisterModelStep(
        f"{name}-RegisterModel",
        step_args=step_args,
        depends_on=depends_on,
        display_name=display_name,
        description=description,
    )
    return step
