"""Plain records returned by the catalog (no SQLAlchemy objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["MetricRecord", "StatusEvent", "TrainingJobRecord"]

TERMINAL_STATUSES = frozenset({"Completed", "Failed", "Stopped"})


@dataclass(frozen=True)
class StatusEvent:
    """One entry of a job's status history."""

    status: str
    secondary_status: str
    message: str | None
    timestamp: float


@dataclass(frozen=True)
class MetricRecord:
    """One metric value of a job."""

    job_name: str
    name: str
    step: int | None
    value: float
    timestamp: float


@dataclass(frozen=True)
class TrainingJobRecord:
    """A training job as stored in the catalog."""

    name: str
    status: str
    secondary_status: str
    spec: dict[str, Any]
    created_at: float
    last_modified: float
    failure_reason: str | None = None
    tuning_job_name: str | None = None
    started_at: float | None = None
    ended_at: float | None = None
    heartbeat_at: float | None = None
    supervisor_pid: int | None = None
    supervisor_host: str | None = None
    stop_requested: bool = False
    exit_code: int | None = None
    model_artifacts: str | None = None
    output_data: str | None = None
    wall_seconds: float | None = None
    billable_seconds: float | None = None
    cpu_seconds: float | None = None
    peak_rss_bytes: int | None = None
    estimated_cost_usd: float | None = None
    history: tuple[StatusEvent, ...] = field(default=())

    @property
    def is_terminal(self) -> bool:
        """Whether the job has reached Completed, Failed or Stopped."""
        return self.status in TERMINAL_STATUSES
