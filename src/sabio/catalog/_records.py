"""Plain records returned by the catalog (no SQLAlchemy objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["TERMINAL_STATUSES", "JobRecord", "MetricRecord", "RecordKind", "StatusEvent"]

#: The statuses after which a job's record no longer changes (SageMaker's job statuses).
TERMINAL_STATUSES = frozenset({"Completed", "Failed", "Stopped"})


@dataclass(frozen=True)
class RecordKind:
    """What the catalog needs to know of a kind of record: its ``name`` (the ``kind`` column),
    its ``label`` in messages ("Training job"), the statuses after which a record is final,
    and how a user lists the records (named in "does not exist" messages).

    Engines declare one per kind (supervised kinds as ``sabio.supervision.JobKind``, which
    extends this).
    """

    name: str
    label: str
    list_hint: str
    terminal: frozenset[str] = TERMINAL_STATUSES


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
class JobRecord:
    """A job (of any kind) or a model, as stored in the catalog.

    ``spec`` is what was asked for, ``details`` what the engine learned while running (best
    trial, URL, counters); the usage and output fields are set by kinds that have them.
    """

    kind: str
    name: str
    status: str
    spec: dict[str, Any]
    created_at: float
    last_modified: float
    secondary_status: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    failure_reason: str | None = None
    #: The job this one belongs to (a tuning job's trials name the tuning job).
    parent: str | None = None
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
