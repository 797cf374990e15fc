"""One repository class for every kind of job (and models): :class:`Jobs`.

All of them live in the ``jobs`` table; a :class:`Jobs` is bound to one kind, so its
names, messages and terminal statuses are that kind's.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sabio.catalog._records import JobRecord, MetricRecord, RecordKind, StatusEvent
from sabio.catalog._schema import job_status_history, jobs, metrics
from sabio.exceptions import ConflictError, NotFoundError, did_you_mean

__all__ = ["Jobs"]

#: What update() may set: not the identity, and not the status (transition() records it).
_COLUMNS = frozenset(c.name for c in jobs.columns) - {"kind", "name", "status", "details"}


class Jobs:
    """Create, read, update and transition the records of one kind.

    Every status change is one transaction that also appends to the record's status
    history, and a record in one of its kind's terminal statuses no longer changes status.

    Example:
        >>> from sabio.catalog import Catalog, RecordKind
        >>> catalog = Catalog.from_url("sqlite://")
        >>> notes = catalog.jobs(RecordKind("note", "Note", "`sabio notes list`"))
        >>> notes.create("n-1", {"text": "hi"}, status="InProgress").status
        'InProgress'
    """

    def __init__(self, engine: Engine, kind: RecordKind) -> None:
        self._engine = engine
        self.kind = kind
        self._mine = jobs.c.kind == kind.name

    # ------------------------------------------------------------------ records
    def create(
        self,
        name: str,
        spec: dict[str, Any],
        *,
        status: str,
        secondary_status: str = "",
        message: str | None = None,
        parent: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> JobRecord:
        """Insert a record (and the first entry of its history).

        Raises:
            ConflictError: a record of this kind with this name exists already.
        """
        now = time.time()
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(jobs).values(
                        kind=self.kind.name,
                        name=name,
                        status=status,
                        secondary_status=secondary_status,
                        spec=spec,
                        details=details or {},
                        parent=parent,
                        created_at=now,
                        last_modified=now,
                        stop_requested=False,
                    )
                )
                self._record_event(conn, name, status, secondary_status, message, now)
        except IntegrityError as exc:
            raise ConflictError(
                f"{self.kind.label} {name!r} already exists. Names are unique: pick another name "
                f"(or leave it out to get a generated one), or delete the existing one first "
                f"({self.kind.list_hint})."
            ) from exc
        return self.get(name)

    def get(self, name: str, *, with_history: bool = False) -> JobRecord:
        """Return one record (with its status history when asked).

        Raises:
            NotFoundError: no record has this name (with a "Did you mean" hint).
        """
        with self._engine.begin() as conn:
            row = conn.execute(select(jobs).where(self._mine, jobs.c.name == name)).first()
            if row is None:
                names = conn.execute(
                    select(jobs.c.name)
                    .where(self._mine)
                    .order_by(jobs.c.created_at.desc())
                    .limit(500)
                ).scalars()
                hint = did_you_mean(name, list(names))
                raise NotFoundError(
                    f"{self.kind.label} {name!r} does not exist.{hint} List them with "
                    f"{self.kind.list_hint}."
                )
            history = tuple(self._history(conn, name)) if with_history else ()
        return JobRecord(**dict(row._mapping), history=history)

    def exists(self, name: str) -> bool:
        """Whether a record with this name exists."""
        with self._engine.begin() as conn:
            row = conn.execute(select(jobs.c.name).where(self._mine, jobs.c.name == name)).first()
        return row is not None

    def list(
        self,
        *,
        status: str | None = None,
        name_contains: str | None = None,
        parent: str | None = None,
        limit: int | None = 100,
    ) -> builtins.list[JobRecord]:
        """Return records, newest first, optionally filtered."""
        query = select(jobs).where(self._mine).order_by(jobs.c.created_at.desc())
        if status is not None:
            query = query.where(jobs.c.status == status)
        if name_contains:
            query = query.where(jobs.c.name.contains(name_contains, autoescape=True))
        if parent is not None:
            query = query.where(jobs.c.parent == parent)
        if limit is not None:
            query = query.limit(limit)
        with self._engine.begin() as conn:
            rows = conn.execute(query).all()
        return [JobRecord(**dict(r._mapping)) for r in rows]

    def names(self) -> builtins.list[str]:
        """All names of this kind, newest first."""
        with self._engine.begin() as conn:
            query = select(jobs.c.name).where(self._mine).order_by(jobs.c.created_at.desc())
            return list(conn.execute(query).scalars())

    def update(self, name: str, *, details: dict[str, Any] | None = None, **values: Any) -> None:
        """Set columns (not ``status``: use :meth:`transition`); ``details`` is merged in.

        Raises:
            NotFoundError: the record does not exist.
        """
        unknown = set(values) - _COLUMNS
        if unknown:
            raise ValueError(
                f"update() cannot set {sorted(unknown)}: set the status with transition(), "
                "details with details=..., and only the columns of a job record."
            )
        values["last_modified"] = time.time()
        with self._engine.begin() as conn:
            if details:
                values["details"] = self._merged(conn, name, details)
            result = conn.execute(
                update(jobs).where(self._mine, jobs.c.name == name).values(**values)
            )
        if result.rowcount == 0:
            raise NotFoundError(f"{self.kind.label} {name!r} does not exist.")

    def transition(
        self,
        name: str,
        status: str,
        *,
        secondary_status: str | None = None,
        message: str | None = None,
        only_from: Iterable[str] | None = None,
        details: dict[str, Any] | None = None,
        **values: Any,
    ) -> bool:
        """Move a record to ``status`` unless it is in a terminal status.

        The check and the update are one transaction, so a supervisor finishing and a
        reconciler declaring it dead cannot both win.

        Args:
            secondary_status: the finer status (training's ``Downloading``, ``Training`` ...).
            message: why, kept in the status history.
            only_from: apply only when the current status is one of these.
            details: merged into the record's details when the transition applies.

        Returns:
            True when applied, False when the record was terminal (or not in ``only_from``)
            or does not exist.
        """
        now = time.time()
        values.update(status=status, last_modified=now)
        if secondary_status is not None:
            values["secondary_status"] = secondary_status
        if status in self.kind.terminal:
            values.setdefault("ended_at", now)
        query = update(jobs).where(self._mine, jobs.c.name == name)
        if self.kind.terminal:
            query = query.where(jobs.c.status.not_in(self.kind.terminal))
        if only_from is not None:
            query = query.where(jobs.c.status.in_(list(only_from)))
        with self._engine.begin() as conn:
            if details:
                values["details"] = self._merged(conn, name, details)
            if conn.execute(query.values(**values)).rowcount == 0:
                return False
            self._record_event(conn, name, status, secondary_status or "", message, now)
        return True

    def heartbeat(self, name: str) -> None:
        """Record that the record's supervisor is alive."""
        now = time.time()
        with self._engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(self._mine, jobs.c.name == name)
                .values(heartbeat_at=now, last_modified=now)
            )

    def request_stop(self, name: str) -> bool:
        """Flag a running record to stop; False when it is terminal or missing."""
        query = update(jobs).where(self._mine, jobs.c.name == name)
        if self.kind.terminal:
            query = query.where(jobs.c.status.not_in(self.kind.terminal))
        with self._engine.begin() as conn:
            result = conn.execute(query.values(stop_requested=True, last_modified=time.time()))
        return result.rowcount > 0

    def delete(self, name: str) -> bool:
        """Remove a record with its history and metrics; False when it did not exist."""
        with self._engine.begin() as conn:
            for table in (metrics, job_status_history):
                conn.execute(
                    delete(table).where(table.c.kind == self.kind.name, table.c.job_name == name)
                )
            result = conn.execute(delete(jobs).where(self._mine, jobs.c.name == name))
        return result.rowcount > 0

    def history(self, name: str) -> builtins.list[StatusEvent]:
        """A record's status changes, oldest first."""
        with self._engine.begin() as conn:
            return self._history(conn, name)

    # ------------------------------------------------------------------ metrics
    def add_metrics(self, name: str, rows: Iterable[MetricRecord | dict[str, Any]]) -> int:
        """Insert many metric values of a job in one statement; returns how many."""
        values = [
            {
                "kind": self.kind.name,
                "job_name": name,
                "name": r["name"] if isinstance(r, dict) else r.name,
                "step": r.get("step") if isinstance(r, dict) else r.step,
                "value": r["value"] if isinstance(r, dict) else r.value,
                "timestamp": r.get("timestamp", time.time())
                if isinstance(r, dict)
                else r.timestamp,
            }
            for r in rows
        ]
        if not values:
            return 0
        with self._engine.begin() as conn:
            conn.execute(insert(metrics), values)
        return len(values)

    def metrics(self, name: str, metric: str | None = None) -> builtins.list[MetricRecord]:
        """A job's metric values in the order they were reported (one metric's, when named)."""
        query = (
            select(metrics)
            .where(metrics.c.kind == self.kind.name, metrics.c.job_name == name)
            .order_by(metrics.c.id)
        )
        if metric is not None:
            query = query.where(metrics.c.name == metric)
        with self._engine.begin() as conn:
            rows = conn.execute(query).all()
        return [
            MetricRecord(
                job_name=r.job_name,
                name=r.name,
                step=r.step,
                value=float("nan") if r.value is None else r.value,
                timestamp=r.timestamp,
            )
            for r in rows
        ]

    def final_metrics(self, name: str) -> dict[str, float]:
        """The last reported value of each metric of a job."""
        last = (
            select(func.max(metrics.c.id))
            .where(metrics.c.kind == self.kind.name, metrics.c.job_name == name)
            .group_by(metrics.c.name)
        )
        query = select(metrics.c.name, metrics.c.value).where(metrics.c.id.in_(last))
        with self._engine.begin() as conn:
            return {
                r.name: float("nan") if r.value is None else r.value
                for r in conn.execute(query).all()
            }

    # ------------------------------------------------------------------ helpers
    def _merged(self, conn: Any, name: str, details: dict[str, Any]) -> dict[str, Any]:
        # Read-modify-write inside one write transaction (BEGIN IMMEDIATE on SQLite, a row
        # lock on PostgreSQL), so concurrent merges do not lose keys.
        current = conn.execute(
            select(jobs.c.details).where(self._mine, jobs.c.name == name).with_for_update()
        ).scalar()
        return {**(current or {}), **details}

    def _record_event(
        self,
        conn: Any,
        name: str,
        status: str,
        secondary_status: str,
        message: str | None,
        now: float,
    ) -> None:
        conn.execute(
            insert(job_status_history).values(
                kind=self.kind.name,
                job_name=name,
                status=status,
                secondary_status=secondary_status,
                message=message,
                timestamp=now,
            )
        )

    def _history(self, conn: Any, name: str) -> builtins.list[StatusEvent]:
        rows = conn.execute(
            select(job_status_history)
            .where(
                job_status_history.c.kind == self.kind.name,
                job_status_history.c.job_name == name,
            )
            .order_by(job_status_history.c.id)
        ).all()
        return [
            StatusEvent(
                status=r.status,
                secondary_status=r.secondary_status,
                message=r.message,
                timestamp=r.timestamp,
            )
            for r in rows
        ]
