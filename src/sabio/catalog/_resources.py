"""One repository class for the catalog's lifecycle resources.

Tuning jobs, models, endpoints and transform jobs have the same columns (see
``_schema._lifecycle_table``); each gets a :class:`Resources` bound to its table and
to the statuses after which its record is immutable.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from sabio.exceptions import ConflictError, NotFoundError, did_you_mean

__all__ = ["ResourceRecord", "Resources"]


@dataclass(frozen=True)
class ResourceRecord:
    """A tuning job, model, endpoint or transform job as stored in the catalog."""

    name: str
    status: str
    spec: dict[str, Any]
    created_at: float
    last_modified: float
    details: dict[str, Any] = field(default_factory=dict)
    failure_reason: str | None = None
    started_at: float | None = None
    ended_at: float | None = None
    heartbeat_at: float | None = None
    supervisor_pid: int | None = None
    supervisor_host: str | None = None
    stop_requested: bool = False


class Resources:
    """Create, read, update and transition records of one kind.

    Args:
        engine: the catalog's engine.
        table: one of the lifecycle tables.
        kind: the user-facing name in messages ("Tuning job", "Endpoint", ...).
        terminal: statuses after which :meth:`transition` refuses to change the record.
        list_hint: how to list records, named in "does not exist" messages.
    """

    def __init__(
        self,
        engine: Engine,
        table: Table,
        *,
        kind: str,
        terminal: Collection[str],
        list_hint: str,
    ) -> None:
        self._engine = engine
        self._table = table
        self.kind = kind
        self.terminal = frozenset(terminal)
        self._list_hint = list_hint
        self._columns = frozenset(c.name for c in table.columns)

    def create(
        self,
        name: str,
        spec: dict[str, Any],
        *,
        status: str,
        details: dict[str, Any] | None = None,
    ) -> ResourceRecord:
        """Insert a record.

        Raises:
            ConflictError: a record of this kind with this name exists already.
        """
        now = time.time()
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(self._table).values(
                        name=name,
                        status=status,
                        spec=spec,
                        details=details or {},
                        created_at=now,
                        last_modified=now,
                        stop_requested=False,
                    )
                )
        except IntegrityError as exc:
            raise ConflictError(
                f"{self.kind} {name!r} already exists. Names are unique: pick another name, "
                f"or delete the existing one first ({self._list_hint})."
            ) from exc
        return self.get(name)

    def get(self, name: str) -> ResourceRecord:
        """Return one record.

        Raises:
            NotFoundError: no record has this name (with a "Did you mean" hint).
        """
        with self._engine.begin() as conn:
            row = conn.execute(select(self._table).where(self._table.c.name == name)).first()
            if row is None:
                names = conn.execute(
                    select(self._table.c.name).order_by(self._table.c.created_at.desc()).limit(500)
                ).scalars()
                hint = did_you_mean(name, list(names))
                raise NotFoundError(
                    f"{self.kind} {name!r} does not exist.{hint} List them with {self._list_hint}."
                )
        return ResourceRecord(**dict(row._mapping))

    def exists(self, name: str) -> bool:
        """Whether a record with this name exists."""
        with self._engine.begin() as conn:
            row = conn.execute(select(self._table.c.name).where(self._table.c.name == name)).first()
        return row is not None

    def list_records(
        self,
        *,
        status: str | None = None,
        name_contains: str | None = None,
        limit: int | None = 100,
    ) -> list[ResourceRecord]:
        """Return records, newest first, optionally filtered."""
        query = select(self._table).order_by(self._table.c.created_at.desc())
        if status is not None:
            query = query.where(self._table.c.status == status)
        if name_contains:
            query = query.where(self._table.c.name.contains(name_contains, autoescape=True))
        if limit is not None:
            query = query.limit(limit)
        with self._engine.begin() as conn:
            rows = conn.execute(query).all()
        return [ResourceRecord(**dict(r._mapping)) for r in rows]

    def update(self, name: str, *, details: dict[str, Any] | None = None, **values: Any) -> None:
        """Set columns (not ``status``: use :meth:`transition`); ``details`` is merged in.

        Raises:
            NotFoundError: the record does not exist.
        """
        unknown = set(values) - self._columns
        if unknown or "status" in values or "details" in values:
            raise ValueError(f"update() cannot set {sorted(unknown) or ['status/details']}")
        values["last_modified"] = time.time()
        table = self._table
        with self._engine.begin() as conn:
            if details:
                # Read-modify-write inside one write transaction (BEGIN IMMEDIATE on
                # SQLite, a row lock on PostgreSQL), so concurrent merges do not lose keys.
                current = conn.execute(
                    select(table.c.details).where(table.c.name == name).with_for_update()
                ).scalar()
                values["details"] = {**(current or {}), **details}
            result = conn.execute(update(table).where(table.c.name == name).values(**values))
        if result.rowcount == 0:
            raise NotFoundError(f"{self.kind} {name!r} does not exist.")

    def transition(
        self,
        name: str,
        status: str,
        *,
        only_from: Iterable[str] | None = None,
        details: dict[str, Any] | None = None,
        **values: Any,
    ) -> bool:
        """Move a record to ``status`` unless it is in a terminal status.

        The check and the update are one transaction, so a supervisor finishing and a
        reconciler declaring it dead cannot both win.

        Args:
            only_from: apply only when the current status is one of these.
            details: merged into the record's details when the transition applies.

        Returns:
            True when applied, False when the record was terminal (or not in ``only_from``)
            or does not exist.
        """
        now = time.time()
        table = self._table
        values.update(status=status, last_modified=now)
        if status in self.terminal:
            values.setdefault("ended_at", now)
        query = update(table).where(table.c.name == name)
        if self.terminal:
            query = query.where(table.c.status.not_in(self.terminal))
        if only_from is not None:
            query = query.where(table.c.status.in_(list(only_from)))
        with self._engine.begin() as conn:
            if details:
                current = conn.execute(
                    select(table.c.details).where(table.c.name == name).with_for_update()
                ).scalar()
                values["details"] = {**(current or {}), **details}
            result = conn.execute(query.values(**values))
        return result.rowcount > 0

    def heartbeat(self, name: str) -> None:
        """Record that the record's supervisor is alive."""
        now = time.time()
        with self._engine.begin() as conn:
            conn.execute(
                update(self._table)
                .where(self._table.c.name == name)
                .values(heartbeat_at=now, last_modified=now)
            )

    def request_stop(self, name: str) -> bool:
        """Flag a running record to stop; False when it is terminal or missing."""
        query = update(self._table).where(self._table.c.name == name)
        if self.terminal:
            query = query.where(self._table.c.status.not_in(self.terminal))
        with self._engine.begin() as conn:
            result = conn.execute(query.values(stop_requested=True, last_modified=time.time()))
        return result.rowcount > 0

    def delete(self, name: str) -> bool:
        """Remove a record; False when it did not exist."""
        with self._engine.begin() as conn:
            result = conn.execute(delete(self._table).where(self._table.c.name == name))
        return result.rowcount > 0
