"""``sabio.workflow.condition_step``: ``ConditionStep`` runs ``if_steps`` when every
condition holds, else ``else_steps`` (the other branch's steps do not run)."""

from __future__ import annotations

from typing import Any

from sabio.workflow.conditions import Condition
from sabio.workflow.entities import RequestType
from sabio.workflow.steps import Step, StepTypeEnum

__all__ = ["ConditionStep"]


def _expand(steps: list[Any] | None) -> list[Step]:
    expanded: list[Step] = []
    for item in steps or []:
        expanded.extend(item.steps if hasattr(item, "steps") else [item])
    return expanded


class ConditionStep(Step):
    """A branch on ``conditions`` (all must hold). Properties: ``Outcome``."""

    step_type = StepTypeEnum.CONDITION

    def __init__(
        self,
        name: str,
        depends_on: list[Any] | None = None,
        display_name: str | None = None,
        description: str | None = None,
        conditions: list[Condition] | None = None,
        if_steps: list[Any] | None = None,
        else_steps: list[Any] | None = None,
    ) -> None:
        super().__init__(name, display_name, description, StepTypeEnum.CONDITION, depends_on)
        self.conditions = list(conditions or [])
        self.if_steps = _expand(if_steps)
        self.else_steps = _expand(else_steps)

    @property
    def arguments(self) -> RequestType:
        return {
            "Conditions": [c.to_request() for c in self.conditions],
            "IfSteps": [s.to_request() for s in self.if_steps],
            "ElseSteps": [s.to_request() for s in self.else_steps],
        }
