"""What a scheduler job is started with."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SchedulerSpec"]


class SchedulerSpec(BaseModel):
    """A scheduler process.

    Attributes:
        name: its job name.
        poll_seconds: how often it looks at the schedules and the trigger prefixes.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    poll_seconds: float = Field(default=5.0, gt=0, le=3600)
