"""One pass of the scheduler over the enabled schedules: :func:`tick`.

Missed-run policy (time expressions): a schedule remembers the occurrence it last ran. When
a pass finds several occurrences due since then — no scheduler was running, the schedule was
created with a past ``start_date``, or the machine slept — it runs only the **latest** one,
once, and skips the older ones; the run's message in the history says how many were skipped.
Nothing runs for occurrences after the schedule's ``end_date``. A disabled schedule catches
up on nothing when enabled again. Data-arrival triggers miss nothing: every object that
appeared under the prefix while no scheduler ran starts its own run at the next pass.

Two schedulers never start the same run twice: a run is claimed by inserting its
``(schedule, occurrence)`` row (the occurrence is the scheduled UTC time, or the object's
URI), which the catalog's unique constraint grants to exactly one of them.

Monitoring schedules (``create_monitoring_schedule``) run at the same pass: each one's
latest period by its cron starts once, claimed by the execution's name (the period's), which
the catalog also grants once. Their missed-run policy is the same: only the latest period.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from sabio._config import Settings
from sabio.catalog import Catalog, ScheduleRecord, Schedules
from sabio.scheduling._expressions import parse_expression
from sabio.scheduling._targets import ScheduleTarget, start_due_monitoring, start_target
from sabio.storage import Store

__all__ = ["occurrence_name", "tick"]


def occurrence_name(moment: float) -> str:
    """A time occurrence as recorded in the run history (``2026-12-24T08:00:00Z``)."""
    return dt.datetime.fromtimestamp(moment, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tick(
    settings: Settings,
    scheduler: str,
    log: Callable[[str], None],
    now: float | None = None,
) -> list[str]:
    """Start every run due now (monitoring schedules included); return the names of the
    executions or jobs started.

    A schedule whose run cannot be claimed (another scheduler has it) is left alone; one
    whose target fails to start gets a ``Failed`` run with the reason; a broken schedule is
    logged and the others still run.
    """
    schedules = Catalog.open(settings).schedules()
    store = Store(settings)
    moment = time.time() if now is None else now
    started: list[str] = []
    for schedule in schedules.list(state="ENABLED"):
        try:
            if schedule.expression:
                started += _time_run(settings, schedules, schedule, scheduler, log, moment)
            if schedule.trigger_prefix:
                started += _data_runs(settings, schedules, store, schedule, scheduler, log)
        except Exception as exc:  # one broken schedule must not stop the others
            log(f"schedule {schedule.name}: {type(exc).__name__}: {exc}")
    try:
        monitored = start_due_monitoring(settings, moment)
    except Exception as exc:  # a broken monitoring schedule must not stop the scheduler
        log(f"monitoring schedules: {type(exc).__name__}: {exc}")
        monitored = []
    for name in monitored:
        log(f"monitoring schedule: started execution {name}")
    return started + monitored


def _time_run(
    settings: Settings,
    schedules: Schedules,
    schedule: ScheduleRecord,
    scheduler: str,
    log: Callable[[str], None],
    now: float,
) -> list[str]:
    assert schedule.expression is not None
    expression = parse_expression(schedule.expression)
    until = min(now, schedule.end_at) if schedule.end_at is not None else now
    after = schedule.last_occurrence if schedule.last_occurrence is not None else schedule.start_at
    latest = expression.latest(schedule.start_at, until)
    if latest is None or latest <= after:
        return []
    skipped = expression.count_between(schedule.start_at, after, latest) - 1
    message = (
        f"Missed-run policy: {skipped}{'+' if skipped >= 999 else ''} earlier occurrence(s) "
        "since the last run were skipped; this, the latest, runs once."
        if skipped > 0
        else None
    )
    occurrence = occurrence_name(latest)
    run = schedules.claim(
        schedule.name, occurrence, scheduled_time=latest, scheduler=scheduler, message=message
    )
    if run is None:
        return []
    trigger = f"schedule {schedule.name} ({schedule.expression}) at {occurrence}"
    return _start(settings, schedules, schedule, run, dict(schedule.parameters), trigger, log)


def _data_runs(
    settings: Settings,
    schedules: Schedules,
    store: Store,
    schedule: ScheduleRecord,
    scheduler: str,
    log: Callable[[str], None],
) -> list[str]:
    assert schedule.trigger_prefix is not None and schedule.parameter_name is not None
    seen = set(schedule.baseline) | schedules.occurrences(schedule.name)
    started: list[str] = []
    for uri in sorted(store.list(schedule.trigger_prefix)):
        if uri in seen or uri.endswith("/"):
            continue
        run = schedules.claim(schedule.name, uri, scheduled_time=None, scheduler=scheduler)
        if run is None:
            continue
        parameters: dict[str, Any] = {**schedule.parameters, schedule.parameter_name: uri}
        trigger = f"schedule {schedule.name}: new object {uri}"
        started += _start(settings, schedules, schedule, run, parameters, trigger, log)
    return started


def _start(
    settings: Settings,
    schedules: Schedules,
    schedule: ScheduleRecord,
    run: int,
    parameters: dict[str, Any],
    trigger: str,
    log: Callable[[str], None],
) -> list[str]:
    target = ScheduleTarget.model_validate(schedule.target)
    try:
        name = start_target(settings, target, parameters, trigger)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        schedules.finish_run(run, "Failed", target_run=None, message=reason)
        log(f"{trigger}: could not start {target.describe()}: {reason}")
        return []
    schedules.finish_run(run, "Started", target_run=name, message=None)
    log(f"{trigger}: started {name}")
    return [name]
