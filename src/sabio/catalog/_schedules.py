"""Schedules and their run history: :class:`Schedules`, from :meth:`Catalog.schedules`.

A run is claimed by inserting its ``(schedule, occurrence)`` row: the unique constraint lets
exactly one of several schedulers win, whatever the database.
"""

from __future__ import annotations

import builtins
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from sabio.catalog._schema import schedule_runs, schedules
from sabio.exceptions import ConflictError, NotFoundError, did_you_mean

__all__ = ["RunRecord", "ScheduleRecord", "Schedules"]


@dataclass(frozen=True)
class ScheduleRecord:
    """One schedule as stored (the scheduling engine gives the columns their meaning)."""

    name: str
    target: dict[str, Any]
    expression: str | None
    trigger_prefix: str | None
    parameter_name: str | None
    parameters: dict[str, Any]
    state: str
    start_at: float
    end_at: float | None
    last_occurrence: float | None
    baseline: list[str]
    created_at: float
    last_modified: float


@dataclass(frozen=True)
class RunRecord:
    """One run a schedule started (or failed to start)."""

    id: int
    schedule_name: str
    occurrence: str
    scheduled_time: float | None
    started_at: float
    status: str
    target_run: str | None
    message: str | None
    scheduler: str | None


class Schedules:
    """Create, read and delete schedules; claim and record their runs."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, name: str, **values: Any) -> ScheduleRecord:
        """Insert a schedule.

        Raises:
            ConflictError: a schedule with this name exists already.
        """
        now = time.time()
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(schedules).values(name=name, created_at=now, last_modified=now, **values)
                )
        except IntegrityError as exc:
            raise ConflictError(
                f"Schedule {name!r} already exists: pick another name, or delete it first "
                f"(`sabio schedules delete {name}`)."
            ) from exc
        return self.get(name)

    def get(self, name: str) -> ScheduleRecord:
        """One schedule.

        Raises:
            NotFoundError: no such schedule (with a "Did you mean" hint).
        """
        with self._engine.begin() as conn:
            row = conn.execute(select(schedules).where(schedules.c.name == name)).first()
            if row is None:
                names = conn.execute(select(schedules.c.name)).scalars()
                raise NotFoundError(
                    f"Schedule {name!r} does not exist.{did_you_mean(name, list(names))} List "
                    "them with `sabio schedules list`."
                )
        return ScheduleRecord(**dict(row._mapping))

    def list(self, *, state: str | None = None) -> builtins.list[ScheduleRecord]:
        """Every schedule (only those in ``state`` when given), by name."""
        query = select(schedules).order_by(schedules.c.name)
        if state is not None:
            query = query.where(schedules.c.state == state)
        with self._engine.begin() as conn:
            return [ScheduleRecord(**dict(r._mapping)) for r in conn.execute(query)]

    def update(self, name: str, **values: Any) -> None:
        """Set columns of a schedule.

        Raises:
            NotFoundError: no such schedule.
        """
        with self._engine.begin() as conn:
            result = conn.execute(
                update(schedules)
                .where(schedules.c.name == name)
                .values(last_modified=time.time(), **values)
            )
        if result.rowcount == 0:
            raise NotFoundError(f"Schedule {name!r} does not exist.")

    def delete(self, name: str) -> None:
        """Delete a schedule and its run history.

        Raises:
            NotFoundError: no such schedule.
        """
        self.get(name)
        with self._engine.begin() as conn:
            conn.execute(delete(schedule_runs).where(schedule_runs.c.schedule_name == name))
            conn.execute(delete(schedules).where(schedules.c.name == name))

    # -------------------------------------------------------------------- runs
    def claim(
        self,
        name: str,
        occurrence: str,
        *,
        scheduled_time: float | None,
        scheduler: str | None,
        message: str | None = None,
    ) -> int | None:
        """Claim the run of ``occurrence``: record it as ``Starting`` (and, for a time
        occurrence, advance the schedule's ``last_occurrence`` in the same transaction).

        Returns:
            The run's id, or None when another scheduler claimed it first.
        """
        now = time.time()
        try:
            with self._engine.begin() as conn:
                result = conn.execute(
                    insert(schedule_runs).values(
                        schedule_name=name,
                        occurrence=occurrence,
                        scheduled_time=scheduled_time,
                        started_at=now,
                        status="Starting",
                        message=message,
                        scheduler=scheduler,
                    )
                )
                if scheduled_time is not None:
                    conn.execute(
                        update(schedules)
                        .where(schedules.c.name == name)
                        .values(last_occurrence=scheduled_time, last_modified=now)
                    )
        except IntegrityError:
            return None
        key = result.inserted_primary_key
        return None if key is None else int(key[0])

    def finish_run(
        self, run_id: int, status: str, *, target_run: str | None, message: str | None
    ) -> None:
        """Record how a claimed run's start went (``Started`` or ``Failed``)."""
        with self._engine.begin() as conn:
            current = conn.execute(
                select(schedule_runs.c.message).where(schedule_runs.c.id == run_id)
            ).scalar()
            text = "\n".join(m for m in (current, message) if m) or None
            conn.execute(
                update(schedule_runs)
                .where(schedule_runs.c.id == run_id)
                .values(status=status, target_run=target_run, message=text)
            )

    def occurrences(self, name: str) -> set[str]:
        """The occurrences of a schedule that have a run (claimed by any scheduler)."""
        with self._engine.begin() as conn:
            query = select(schedule_runs.c.occurrence).where(schedule_runs.c.schedule_name == name)
            return set(conn.execute(query).scalars())

    def runs(self, name: str | None = None, *, limit: int | None = 100) -> builtins.list[RunRecord]:
        """The run history, newest first (of one schedule when ``name`` is given)."""
        query = select(schedule_runs).order_by(
            schedule_runs.c.started_at.desc(), schedule_runs.c.id.desc()
        )
        if name is not None:
            query = query.where(schedule_runs.c.schedule_name == name)
        if limit is not None:
            query = query.limit(limit)
        with self._engine.begin() as conn:
            return [RunRecord(**dict(r._mapping)) for r in conn.execute(query)]
