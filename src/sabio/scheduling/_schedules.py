"""Creating, listing and deleting schedules, and reading their run history."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

from pydantic import ValidationError as PydanticError

from sabio._config import Settings
from sabio.catalog import Catalog, RunRecord, ScheduleRecord
from sabio.exceptions import ValidationError
from sabio.scheduling._expressions import parse_expression
from sabio.scheduling._targets import ScheduleTarget
from sabio.storage import Store

__all__ = [
    "create_schedule",
    "delete_schedule",
    "describe_schedule",
    "list_runs",
    "list_schedules",
    "set_schedule_state",
]

_NAME = re.compile(r"^[0-9a-zA-Z_.-]{1,64}$")
STATES = ("ENABLED", "DISABLED")


def _timestamp(value: float | dt.datetime | str | None, role: str) -> float | None:
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                f"{role} {value!r} is not an ISO date and time, e.g. '2026-12-24T08:00:00'."
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # EventBridge reads times without zone as UTC
    return value.timestamp()


def create_schedule(
    settings: Settings,
    name: str,
    *,
    pipeline_name: str | None = None,
    processing_job: dict[str, Any] | None = None,
    expression: str | None = None,
    trigger_prefix: str | None = None,
    parameter_name: str | None = None,
    parameters: dict[str, Any] | None = None,
    start_date: float | dt.datetime | str | None = None,
    end_date: float | dt.datetime | str | None = None,
    enabled: bool = True,
) -> ScheduleRecord:
    """Create a schedule that starts a pipeline execution (or a processing job).

    It fires on a time ``expression`` (``rate(5 minutes)``, ``cron(0 12 * * ? *)``,
    ``at(2026-12-24T08:00:00)``, UTC), on the arrival of a new object under
    ``trigger_prefix`` (the object's URI is passed as the parameter ``parameter_name``;
    objects already there when the schedule is created do not fire), or both. A running
    scheduler (``sabio scheduler start``) starts the runs; see ``docs/scheduling.md`` for
    the missed-run policy.

    Example:
        >>> create_schedule(settings, "nightly", pipeline_name="insurance",
        ...                 expression="cron(0 2 * * ? *)")  # doctest: +SKIP

    Raises:
        ValidationError: a bad name, expression, prefix, target or parameter (named).
        ConflictError: a schedule with this name exists.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(
            f"Invalid schedule name {name!r}: use 1-64 letters, digits, '-', '_' and '.', "
            "e.g. 'nightly-retrain'."
        )
    if expression is None and trigger_prefix is None:
        raise ValidationError(
            f"Schedule {name!r} needs an expression (e.g. 'rate(1 hour)'), a trigger_prefix "
            "(e.g. 's3://sabio-default/incoming/') or both."
        )
    if expression is not None:
        parse_expression(expression)
    try:
        target = ScheduleTarget(pipeline_name=pipeline_name, processing_job=processing_job)
    except PydanticError:
        raise ValidationError(
            f"Schedule {name!r} needs exactly one target: pipeline_name= or processing_job= "
            "(a CreateProcessingJob request)."
        ) from None
    target.check()
    values = dict(parameters or {})
    for key, value in values.items():
        if not isinstance(value, str | int | float | bool):
            raise ValidationError(
                f"Schedule {name!r}: parameter {key!r} = {value!r} must be a string, number or "
                "boolean."
            )
    baseline: list[str] = []
    if trigger_prefix is not None:
        if not trigger_prefix.startswith("s3://") or len(trigger_prefix) <= len("s3://"):
            raise ValidationError(
                f"Schedule {name!r}: trigger_prefix {trigger_prefix!r} must be an s3:// prefix "
                "of the store, e.g. 's3://sabio-default/incoming/'."
            )
        if not parameter_name:
            raise ValidationError(
                f"Schedule {name!r}: a trigger_prefix needs parameter_name=, the parameter that "
                "receives the new object's URI (e.g. 'InputDataUri')."
            )
        store = Store(settings)
        store.create_bucket(trigger_prefix[len("s3://") :].split("/", 1)[0])
        baseline = sorted(store.list(trigger_prefix))
    start = _timestamp(start_date, "start_date")
    return (
        Catalog.open(settings)
        .schedules()
        .create(
            name,
            target=target.model_dump(mode="json"),
            expression=expression.strip() if expression else None,
            trigger_prefix=trigger_prefix,
            parameter_name=parameter_name,
            parameters=values,
            state="ENABLED" if enabled else "DISABLED",
            start_at=time.time() if start is None else start,
            end_at=_timestamp(end_date, "end_date"),
            last_occurrence=None,
            baseline=baseline,
        )
    )


def describe_schedule(settings: Settings, name: str) -> ScheduleRecord:
    """One schedule.

    Raises:
        NotFoundError: no such schedule (with a "Did you mean" hint).
    """
    return Catalog.open(settings).schedules().get(name)


def list_schedules(settings: Settings) -> list[ScheduleRecord]:
    """Every schedule of the workspace, by name."""
    return Catalog.open(settings).schedules().list()


def set_schedule_state(settings: Settings, name: str, enabled: bool) -> None:
    """Enable or disable a schedule (a disabled one starts nothing and catches up on
    nothing when enabled again: its missed occurrences are skipped).

    Raises:
        NotFoundError: no such schedule.
    """
    schedules = Catalog.open(settings).schedules()
    schedules.get(name)
    values: dict[str, Any] = {"state": "ENABLED" if enabled else "DISABLED"}
    if enabled:
        values["last_occurrence"] = time.time()
    schedules.update(name, **values)


def delete_schedule(settings: Settings, name: str) -> None:
    """Delete a schedule and its run history (runs it started are not touched).

    Raises:
        NotFoundError: no such schedule.
    """
    Catalog.open(settings).schedules().delete(name)


def list_runs(
    settings: Settings, name: str | None = None, limit: int | None = 100
) -> list[RunRecord]:
    """The run history, newest first (of schedule ``name`` when given).

    Raises:
        NotFoundError: ``name`` is not a schedule.
    """
    schedules = Catalog.open(settings).schedules()
    if name is not None:
        schedules.get(name)
    return schedules.runs(name, limit=limit)
