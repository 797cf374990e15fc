"""What a running step gets from its execution: the workspace, names, logging, stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sabio._config import Settings
from sabio.storage import Store
from sabio.utils import unique_name

__all__ = ["StepContext", "StepFailed", "StepOutcome", "StepStopped"]


class StepFailed(Exception):
    """A step failed; ``reason`` becomes its FailureReason, ``kinds`` the failure types its
    retry policies match (``SageMaker.JOB_INTERNAL_ERROR``, ``Step.SERVICE_FAULT`` ...)."""

    def __init__(self, reason: str, kinds: frozenset[str] = frozenset()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kinds = kinds


class StepStopped(Exception):
    """The execution was asked to stop while the step ran."""


@dataclass
class StepOutcome:
    """What a finished step leaves: its properties (a Describe* response) and metadata."""

    properties: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class StepContext:
    """The execution-wide things a step runner uses."""

    settings: Settings
    store: Store
    pipeline_name: str
    execution_id: str
    execution_dir: Any
    log: Callable[[str], None]
    stopping: threading.Event
    record_metadata: Callable[[str, dict[str, Any]], None]

    def job_name(self, step: str, max_length: int = 63) -> str:
        """A unique job name for a step's job (SageMaker's ``pipelines-<id>-<step>-...``)."""
        return unique_name(f"pipelines-{self.execution_id}-{step}", max_length)
