"""Catalog tables (SQLAlchemy Core).

Every kind of job (training, tuning, transform, endpoint, ...) and every model lives in one
``jobs`` table, told apart by ``kind``: one record type and one API for all of them
(:class:`sabio.catalog.Jobs`). What is specific to a kind lives in the ``spec`` (what was
asked for) and ``details`` (what the engine learned while running) JSON columns; the usage
and output columns are those any job can have.

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
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

jobs = Table(
    "jobs",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("name", String(63), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("secondary_status", String(32), nullable=False),
    Column("failure_reason", Text, nullable=True),
    Column("spec", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Column("parent", String(63), nullable=True),
    Column("created_at", Float, nullable=False),
    Column("started_at", Float, nullable=True),
    Column("ended_at", Float, nullable=True),
    Column("last_modified", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=True),
    Column("supervisor_pid", Integer, nullable=True),
    Column("supervisor_host", String(255), nullable=True),
    Column("stop_requested", Boolean, nullable=False),
    Column("exit_code", Integer, nullable=True),
    Column("model_artifacts", Text, nullable=True),
    Column("output_data", Text, nullable=True),
    Column("wall_seconds", Float, nullable=True),
    Column("billable_seconds", Float, nullable=True),
    Column("cpu_seconds", Float, nullable=True),
    Column("peak_rss_bytes", BigInteger, nullable=True),
    Column("estimated_cost_usd", Float, nullable=True),
)
Index("ix_jobs_kind_created_at", jobs.c.kind, jobs.c.created_at)
Index("ix_jobs_kind_status", jobs.c.kind, jobs.c.status)
Index("ix_jobs_kind_parent", jobs.c.kind, jobs.c.parent)

job_status_history = Table(
    "job_status_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("job_name", String(63), nullable=False),
    Column("status", String(16), nullable=False),
    Column("secondary_status", String(32), nullable=False),
    Column("message", Text, nullable=True),
    Column("timestamp", Float, nullable=False),
    ForeignKeyConstraint(
        ["kind", "job_name"],
        ["jobs.kind", "jobs.name"],
        name="fk_job_status_history_job",
        ondelete="CASCADE",
    ),
)
Index("ix_job_status_history_job", job_status_history.c.kind, job_status_history.c.job_name)

metrics = Table(
    "metrics",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("job_name", String(63), nullable=False),
    Column("name", String(255), nullable=False),
    Column("step", Integer, nullable=True),
    Column("value", Float, nullable=True),
    Column("timestamp", Float, nullable=False),
    ForeignKeyConstraint(
        ["kind", "job_name"],
        ["jobs.kind", "jobs.name"],
        name="fk_metrics_job",
        ondelete="CASCADE",
    ),
)
Index("ix_metrics_job_name", metrics.c.kind, metrics.c.job_name, metrics.c.name)

pipelines = Table(
    "pipelines",
    metadata,
    Column("name", String(256), primary_key=True),
    Column("display_name", String(256), nullable=True),
    Column("description", Text, nullable=True),
    Column("role_arn", Text, nullable=True),
    Column("definition", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_modified", Float, nullable=False),
)

model_package_groups = Table(
    "model_package_groups",
    metadata,
    Column("name", String(63), primary_key=True),
    Column("description", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(255), nullable=False),
)

model_packages = Table(
    "model_packages",
    metadata,
    Column("group_name", String(63), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("approval_status", String(32), nullable=False),
    Column("approval_description", Text, nullable=True),
    Column("spec", JSON, nullable=False),
    Column("lineage", JSON, nullable=False),
    Column("approvals", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("last_modified", Float, nullable=False),
    Column("last_modified_by", String(255), nullable=False),
    ForeignKeyConstraint(
        ["group_name"],
        ["model_package_groups.name"],
        name="fk_model_packages_group",
        ondelete="CASCADE",
    ),
)
Index(
    "ix_model_packages_group_status", model_packages.c.group_name, model_packages.c.approval_status
)

schedules = Table(
    "schedules",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("target", JSON, nullable=False),
    Column("expression", String(256), nullable=True),
    Column("trigger_prefix", Text, nullable=True),
    Column("parameter_name", String(256), nullable=True),
    Column("parameters", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("start_at", Float, nullable=False),
    Column("end_at", Float, nullable=True),
    Column("last_occurrence", Float, nullable=True),
    Column("baseline", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_modified", Float, nullable=False),
)

schedule_runs = Table(
    "schedule_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("schedule_name", String(64), nullable=False),
    Column("occurrence", String(1024), nullable=False),
    Column("scheduled_time", Float, nullable=True),
    Column("started_at", Float, nullable=False),
    Column("status", String(16), nullable=False),
    Column("target_run", String(255), nullable=True),
    Column("message", Text, nullable=True),
    Column("scheduler", String(64), nullable=True),
    ForeignKeyConstraint(
        ["schedule_name"],
        ["schedules.name"],
        name="fk_schedule_runs_schedule",
        ondelete="CASCADE",
    ),
    UniqueConstraint("schedule_name", "occurrence", name="uq_schedule_runs_occurrence"),
)
Index(
    "ix_schedule_runs_schedule_started", schedule_runs.c.schedule_name, schedule_runs.c.started_at
)
