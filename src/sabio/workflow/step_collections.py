"""``sabio.workflow.step_collections``: steps that expand into several definition steps."""

from __future__ import annotations

from typing import Any

from sabio.workflow.steps import Step

__all__ = ["StepCollection"]


class StepCollection:
    """A named group of steps (``ModelStep``, ``RegisterModel``); a pipeline writes each of
    its steps, and depending on it depends on all of them."""

    def __init__(self, name: str, steps: list[Step] | None = None, depends_on: Any = None):
        self.name = name
        self.steps: list[Step] = list(steps or [])
        self.depends_on = depends_on

    def request_dicts(self) -> list[dict[str, Any]]:
        """The definition entries of its steps."""
        return [step.to_request() for step in self.steps]

    @property
    def properties(self) -> Any:
        """The properties of its last step."""
        return self.steps[-1].properties
