"""The catalog: metadata of jobs, their status history and metrics."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from sabio._config import Settings
from sabio.catalog._engine import engine_for
from sabio.catalog._migrate import migrate
from sabio.catalog._records import (
    TERMINAL_STATUSES,
    MetricRecord,
    StatusEvent,
    TrainingJobRecord,
)
from sabio.catalog._resources import Resources
from sabio.catalog._schema import (
    endpoints,
    job_status_history,
    metrics,
    models,
    training_jobs,
    transform_jobs,
    tuning_jobs,
)
from sabio.exceptions import CatalogError, ConflictError, NotFoundError, did_you_mean

__all__ = ["Catalog"]

_JOB_COLUMNS = frozenset(c.name for c in training_jobs.columns)
_MIGRATED: set[str] = set()


class Catalog:
    """Access to the catalog database of one workspace.

    Example:
        >>> from sabio._config import load_settings
        >>> catalog = Catalog.open(load_settings())  # doctest: +SKIP
        >>> catalog.list_training_jobs(limit=5)  # doctest: +SKIP
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: Tuning jobs (statuses as SageMaker's: InProgress, Completed, Failed, Stopping, Stopped).
        self.tuning_jobs = Resources(
            engine,
            tuning_jobs,
            kind="Tuning job",
            terminal=TERMINAL_STATUSES,
            list_hint="`sabio tuning list`",
        )
        #: Models registered for deployment (status is always "Created").
        self.models = Resources(
            engine, models, kind="Model", terminal=(), list_hint="`sabio models list`"
        )
        #: Endpoints (Creating, InService, Updating, Failed, Deleting); deleting removes them.
        self.endpoints = Resources(
            engine, endpoints, kind="Endpoint", terminal=(), list_hint="`sabio endpoints list`"
        )
        #: Batch transform jobs (InProgress, Completed, Failed, Stopping, Stopped).
        self.transform_jobs = Resources(
            engine,
            transform_jobs,
            kind="Transform job",
            terminal=TERMINAL_STATUSES,
            list_hint="`sabio transform list`",
        )

    @classmethod
    def open(cls, settings: Settings) -> Catalog:
        """Open (and migrate on first use) the catalog named by ``settings.database_url``."""
        return cls.from_url(settings.database_url)

    @classmethod
    def from_url(cls, url: str) -> Catalog:
        """Open (and migrate on first use) the catalog at a SQLAlchemy URL."""
        engine = engine_for(url)
        if url not in _MIGRATED:
            migrate(engine)
            _MIGRATED.add(url)
        return cls(engine)

    # ------------------------------------------------------------------ jobs
    def create_training_job(
        self,
        name: str,
        spec: dict[str, Any],
        *,
        tuning_job_name: str | None = None,
        message: str | None = "Launching requested ML instances",
    ) -> TrainingJobRecord:
        """Insert a new job in ``InProgress/Starting``.

        Raises:
            ConflictError: a job with this name exists already.
        """
        now = time.time()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(training_jobs).values(
                        name=name,
                        status="InProgress",
                        secondary_status="Starting",
                        spec=spec,
                        tuning_job_name=tuning_job_name,
                        created_at=now,
                        last_modified=now,
                        stop_requested=False,
                    )
                )
                conn.execute(
                    insert(job_status_history).values(
                        job_name=name,
                        status="InProgress",
                        secondary_status="Starting",
                        message=message,
                        timestamp=now,
                    )
                )
        except IntegrityError as exc:
            raise ConflictError(
                f"A training job named {name!r} already exists. Job names are unique: pass "
                "another job_name, or leave it out to get a generated one."
            ) from exc
        return self.get_training_job(name)

    def get_training_job(self, name: str, *, with_history: bool = False) -> TrainingJobRecord:
        """Return one job.

        Raises:
            NotFoundError: no job has this name (with a "Did you mean" hint).
        """
        with self._read() as conn:
            row = conn.execute(select(training_jobs).where(training_jobs.c.name == name)).first()
            if row is None:
                names = conn.execute(
                    select(training_jobs.c.name).order_by(training_jobs.c.created_at.desc())
                ).scalars()
                hint = did_you_mean(name, list(names)[:500])
                raise NotFoundError(
                    f"Training job {name!r} does not exist.{hint} List jobs with `sabio jobs list`."
                )
            history: tuple[StatusEvent, ...] = ()
            if with_history:
                history = tuple(self._history(conn, name))
        return TrainingJobRecord(**dict(row._mapping), history=history)

    def list_training_jobs(
        self,
        *,
        status: str | None = None,
        name_contains: str | None = None,
        tuning_job_name: str | None = None,
        limit: int | None = 100,
    ) -> list[TrainingJobRecord]:
        """Return jobs, newest first, optionally filtered."""
        query = select(training_jobs).order_by(training_jobs.c.created_at.desc())
        if status is not None:
            query = query.where(training_jobs.c.status == status)
        if name_contains:
            query = query.where(training_jobs.c.name.contains(name_contains, autoescape=True))
        if tuning_job_name is not None:
            query = query.where(training_jobs.c.tuning_job_name == tuning_job_name)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [TrainingJobRecord(**dict(r._mapping)) for r in rows]

    def update_training_job(self, name: str, **values: Any) -> None:
        """Set columns of a job (not its status: use :meth:`transition`)."""
        unknown = set(values) - _JOB_COLUMNS
        if unknown or "status" in values:
            raise ValueError(f"update_training_job() cannot set {sorted(unknown) or ['status']}")
        values["last_modified"] = time.time()
        with self.engine.begin() as conn:
            result = conn.execute(
                update(training_jobs).where(training_jobs.c.name == name).values(**values)
            )
        if result.rowcount == 0:
            raise NotFoundError(f"Training job {name!r} does not exist.")

    def transition(
        self,
        name: str,
        status: str,
        secondary_status: str,
        message: str | None = None,
        **values: Any,
    ) -> bool:
        """Move a job to a new status unless it has already ended.

        The check and the update are one statement, so a supervisor finishing and a
        reconciler declaring it dead cannot both win.

        Returns:
            True when the transition was applied, False when the job had already ended.
        """
        now = time.time()
        values.update(status=status, secondary_status=secondary_status, last_modified=now)
        if status in TERMINAL_STATUSES:
            values.setdefault("ended_at", now)
        with self.engine.begin() as conn:
            result = conn.execute(
                update(training_jobs)
                .where(training_jobs.c.name == name)
                .where(training_jobs.c.status.not_in(TERMINAL_STATUSES))
                .values(**values)
            )
            if result.rowcount == 0:
                return False
            conn.execute(
                insert(job_status_history).values(
                    job_name=name,
                    status=status,
                    secondary_status=secondary_status,
                    message=message,
                    timestamp=now,
                )
            )
        return True

    def heartbeat(self, name: str) -> None:
        """Record that the job's supervisor is alive."""
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(
                update(training_jobs)
                .where(training_jobs.c.name == name)
                .values(heartbeat_at=now, last_modified=now)
            )

    def request_stop(self, name: str) -> bool:
        """Flag a running job to stop; returns False when it had already ended."""
        now = time.time()
        with self.engine.begin() as conn:
            result = conn.execute(
                update(training_jobs)
                .where(training_jobs.c.name == name)
                .where(training_jobs.c.status.not_in(TERMINAL_STATUSES))
                .values(stop_requested=True, last_modified=now)
            )
        return result.rowcount > 0

    def delete_training_job(self, name: str) -> None:
        """Remove a job with its history and metrics."""
        with self.engine.begin() as conn:
            conn.execute(delete(metrics).where(metrics.c.job_name == name))
            conn.execute(delete(job_status_history).where(job_status_history.c.job_name == name))
            conn.execute(delete(training_jobs).where(training_jobs.c.name == name))

    def status_history(self, name: str) -> list[StatusEvent]:
        """Return a job's status changes, oldest first."""
        with self._read() as conn:
            return self._history(conn, name)

    # --------------------------------------------------------------- metrics
    def add_metrics(self, job_name: str, rows: Iterable[MetricRecord | dict[str, Any]]) -> int:
        """Insert many metric values in one statement; returns how many."""
        values = [
            {
                "job_name": job_name,
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
        with self.engine.begin() as conn:
            conn.execute(insert(metrics), values)
        return len(values)

    def get_metrics(self, job_name: str, name: str | None = None) -> list[MetricRecord]:
        """Return a job's metric values in the order they were reported."""
        query = select(metrics).where(metrics.c.job_name == job_name).order_by(metrics.c.id)
        if name is not None:
            query = query.where(metrics.c.name == name)
        with self._read() as conn:
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

    def final_metrics(self, job_name: str) -> dict[str, float]:
        """Return the last reported value of each metric of a job."""
        last = (
            select(func.max(metrics.c.id))
            .where(metrics.c.job_name == job_name)
            .group_by(metrics.c.name)
        )
        query = select(metrics.c.name, metrics.c.value).where(metrics.c.id.in_(last))
        with self._read() as conn:
            return {
                r.name: float("nan") if r.value is None else r.value
                for r in conn.execute(query).all()
            }

    # ---------------------------------------------------------------- helpers
    def _read(self) -> Any:
        try:
            return self.engine.begin()
        except SQLAlchemyError as exc:  # pragma: no cover - connection failures
            raise CatalogError(f"Cannot read the catalog: {exc}") from exc

    @staticmethod
    def _history(conn: Any, name: str) -> list[StatusEvent]:
        rows = conn.execute(
            select(job_status_history)
            .where(job_status_history.c.job_name == name)
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

    def names(self) -> Sequence[str]:
        """All job names, newest first."""
        with self._read() as conn:
            return list(
                conn.execute(
                    select(training_jobs.c.name).order_by(training_jobs.c.created_at.desc())
                ).scalars()
            )
