"""Catalog tables (SQLAlchemy Core).

Timestamps are UNIX epoch seconds (float): portable between SQLite and PostgreSQL,
cheap to compare, and converted to ``datetime`` only at the SDK boundary.

The schema is owned by the alembic migrations in ``migrations/versions``; this module
mirrors the head revision and a test checks both agree.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

training_jobs = Table(
    "training_jobs",
    metadata,
    Column("name", String(63), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("secondary_status", String(32), nullable=False),
    Column("failure_reason", Text, nullable=True),
    Column("spec", JSON, nullable=False),
    Column("tuning_job_name", String(63), nullable=True, index=True),
    Column("created_at", Float, nullable=False),
    Column("started_at", Float, nullable=True),
    Column("ended_at", Float, nullable=True),
    Column("last_modified", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=True),
    Column("supervisor_pid", Integer, nullable=True),
    Column("supervisor_host", String(255), nullable=True),
    Column("stop_requested", Boolean, nullable=False, default=False),
    Column("exit_code", Integer, nullable=True),
    Column("model_artifacts", Text, nullable=True),
    Column("output_data", Text, nullable=True),
    Column("wall_seconds", Float, nullable=True),
    Column("billable_seconds", Float, nullable=True),
    Column("cpu_seconds", Float, nullable=True),
    Column("peak_rss_bytes", BigInteger, nullable=True),
    Column("estimated_cost_usd", Float, nullable=True),
)
Index("ix_training_jobs_created_at", training_jobs.c.created_at)
Index("ix_training_jobs_status", training_jobs.c.status)

job_status_history = Table(
    "job_status_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "job_name",
        String(63),
        ForeignKey("training_jobs.name", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("status", String(16), nullable=False),
    Column("secondary_status", String(32), nullable=False),
    Column("message", Text, nullable=True),
    Column("timestamp", Float, nullable=False),
)

metrics = Table(
    "metrics",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "job_name",
        String(63),
        ForeignKey("training_jobs.name", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(255), nullable=False),
    Column("step", Integer, nullable=True),
    Column("value", Float, nullable=True),
    Column("timestamp", Float, nullable=False),
)
Index("ix_metrics_job_name_name", metrics.c.job_name, metrics.c.name)


def _lifecycle_table(name: str) -> Table:
    """A table for a long-lived resource with a status and (maybe) a supervisor.

    Tuning jobs, models, endpoints and transform jobs share this shape: their
    kind-specific fields live in the ``spec`` (what was asked for) and ``details``
    (what the engine learned while running: best trial, URL, counters) JSON columns.
    """
    table = Table(
        name,
        metadata,
        Column("name", String(63), primary_key=True),
        Column("status", String(16), nullable=False),
        Column("failure_reason", Text, nullable=True),
        Column("spec", JSON, nullable=False),
        Column("details", JSON, nullable=False),
        Column("created_at", Float, nullable=False),
        Column("started_at", Float, nullable=True),
        Column("ended_at", Float, nullable=True),
        Column("last_modified", Float, nullable=False),
        Column("heartbeat_at", Float, nullable=True),
        Column("supervisor_pid", Integer, nullable=True),
        Column("supervisor_host", String(255), nullable=True),
        Column("stop_requested", Boolean, nullable=False, default=False),
    )
    Index(f"ix_{name}_created_at", table.c.created_at)
    return table


tuning_jobs = _lifecycle_table("tuning_jobs")
models = _lifecycle_table("models")
endpoints = _lifecycle_table("endpoints")
transform_jobs = _lifecycle_table("transform_jobs")
