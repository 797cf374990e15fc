"""Starting, stopping and reading the scheduler (one per workspace)."""

from __future__ import annotations

from sabio import supervision
from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.exceptions import ConflictError
from sabio.scheduling._kind import SCHEDULER
from sabio.scheduling._spec import SchedulerSpec
from sabio.utils import unique_name

__all__ = ["running_schedulers", "start_scheduler", "stop_scheduler"]


def running_schedulers(settings: Settings) -> list[JobRecord]:
    """The schedulers running on this workspace (dead ones reconciled first)."""
    jobs = Catalog.open(settings).jobs(SCHEDULER)
    alive = []
    for record in jobs.list(status="InProgress", limit=None):
        record = supervision.reconcile(settings, SCHEDULER, record)
        if record.status == "InProgress":
            alive.append(record)
    return alive


def start_scheduler(
    settings: Settings,
    *,
    poll_seconds: float = 5.0,
    exclusive: bool = True,
    name: str | None = None,
) -> str:
    """Start the workspace's scheduler as a supervised process; return its job name.

    Args:
        poll_seconds: how often it looks at the schedules and trigger prefixes.
        exclusive: refuse when a scheduler already runs (False starts another one: they
            share the work without ever starting a run twice).
        name: its job name (default ``scheduler-<timestamp>``).

    Raises:
        ConflictError: a scheduler is running (with ``exclusive``).
    """
    if exclusive:
        running = running_schedulers(settings)
        if running:
            raise ConflictError(
                f"A scheduler is already running on this workspace ({running[0].name}, pid "
                f"{running[0].supervisor_pid}). Stop it first with `sabio scheduler stop`."
            )
    spec = SchedulerSpec(name=name or unique_name("scheduler"), poll_seconds=poll_seconds)
    Catalog.open(settings).jobs(SCHEDULER).create(
        spec.name, spec.model_dump(mode="json"), status="InProgress", message="Starting"
    )
    folder = supervision.job_dir(settings, SCHEDULER, spec.name)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.json").write_text(spec.model_dump_json(indent=2))
    supervision.launch(settings, SCHEDULER, spec.name)
    return spec.name


def stop_scheduler(settings: Settings, *, timeout: float = 60.0) -> list[str]:
    """Stop every running scheduler of the workspace and wait for them; return their names."""
    names = [record.name for record in running_schedulers(settings)]
    for name in names:
        supervision.stop(settings, SCHEDULER, name)
    for name in names:
        supervision.wait(settings, SCHEDULER, name, timeout=timeout)
    return names
