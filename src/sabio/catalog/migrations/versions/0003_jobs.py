"""One ``jobs`` table for every kind of job and for models.

Training jobs, tuning jobs, models, endpoints and transform jobs move into ``jobs`` (told
apart by ``kind``); the status history and metrics now name the job's kind too. Every row
is carried over as it was.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: The tables of revision 0002 and the kind their rows get.
_RESOURCE_TABLES = {
    "tuning_jobs": "tuning",
    "models": "model",
    "endpoints": "endpoint",
    "transform_jobs": "transform",
}
_COMMON = (
    "name, status, failure_reason, spec, created_at, started_at, ended_at, last_modified, "
    "heartbeat_at, supervisor_pid, supervisor_host, stop_requested"
)
_USAGE = (
    "exit_code, model_artifacts, output_data, wall_seconds, billable_seconds, cpu_seconds, "
    "peak_rss_bytes, estimated_cost_usd"
)


def _job_reference(name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["kind", "job_name"], ["jobs.kind", "jobs.name"], name=name, ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(63), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("secondary_status", sa.String(32), nullable=False),
        sa.Column("failure_reason", sa.Text, nullable=True),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("parent", sa.String(63), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float, nullable=True),
        sa.Column("ended_at", sa.Float, nullable=True),
        sa.Column("last_modified", sa.Float, nullable=False),
        sa.Column("heartbeat_at", sa.Float, nullable=True),
        sa.Column("supervisor_pid", sa.Integer, nullable=True),
        sa.Column("supervisor_host", sa.String(255), nullable=True),
        sa.Column("stop_requested", sa.Boolean, nullable=False),
        sa.Column("exit_code", sa.Integer, nullable=True),
        sa.Column("model_artifacts", sa.Text, nullable=True),
        sa.Column("output_data", sa.Text, nullable=True),
        sa.Column("wall_seconds", sa.Float, nullable=True),
        sa.Column("billable_seconds", sa.Float, nullable=True),
        sa.Column("cpu_seconds", sa.Float, nullable=True),
        sa.Column("peak_rss_bytes", sa.BigInteger, nullable=True),
        sa.Column("estimated_cost_usd", sa.Float, nullable=True),
    )
    # Literal '{}' is JSON text on SQLite and is coerced to json by PostgreSQL.
    op.execute(
        f"INSERT INTO jobs (kind, secondary_status, details, parent, {_COMMON}, {_USAGE}) "
        f"SELECT 'training', secondary_status, '{{}}', tuning_job_name, {_COMMON}, {_USAGE} "
        "FROM training_jobs"
    )
    for table, kind in _RESOURCE_TABLES.items():
        op.execute(
            f"INSERT INTO jobs (kind, secondary_status, details, {_COMMON}) "
            f"SELECT '{kind}', '', details, {_COMMON} FROM {table}"
        )
    _retype_specs()
    op.create_table(
        "job_status_history_0003",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("job_name", sa.String(63), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("secondary_status", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("timestamp", sa.Float, nullable=False),
        _job_reference("fk_job_status_history_job"),
    )
    op.execute(
        "INSERT INTO job_status_history_0003 "
        "(id, kind, job_name, status, secondary_status, message, timestamp) "
        "SELECT id, 'training', job_name, status, secondary_status, message, timestamp "
        "FROM job_status_history"
    )
    op.create_table(
        "metrics_0003",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("job_name", sa.String(63), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("step", sa.Integer, nullable=True),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("timestamp", sa.Float, nullable=False),
        _job_reference("fk_metrics_job"),
    )
    op.execute(
        "INSERT INTO metrics_0003 (id, kind, job_name, name, step, value, timestamp) "
        "SELECT id, 'training', job_name, name, step, value, timestamp FROM metrics"
    )
    op.drop_table("job_status_history")
    op.drop_table("metrics")
    op.drop_table("training_jobs")
    for table in _RESOURCE_TABLES:
        op.drop_table(table)
    op.rename_table("job_status_history_0003", "job_status_history")
    op.rename_table("metrics_0003", "metrics")
    if op.get_bind().dialect.name == "postgresql":
        # The copied ids were explicit: move the id sequences past them.
        for table in ("job_status_history", "metrics"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
    op.create_index("ix_jobs_kind_created_at", "jobs", ["kind", "created_at"])
    op.create_index("ix_jobs_kind_status", "jobs", ["kind", "status"])
    op.create_index("ix_jobs_kind_parent", "jobs", ["kind", "parent"])
    op.create_index("ix_job_status_history_job", "job_status_history", ["kind", "job_name"])
    op.create_index("ix_metrics_job_name", "metrics", ["kind", "job_name", "name"])


#: An endpoint's spec keys before 0003 and after (``sabio.serving.EndpointSpec``).
_ENDPOINT_KEYS = {
    "EndpointName": "endpoint_name",
    "ModelName": "model_name",
    "VariantName": "variant_name",
    "InitialInstanceCount": "instance_count",
    "InstanceType": "instance_type",
    "DataCaptureConfig": "data_capture_config",
    "MaxPayloadInMB": "max_payload_mb",
    "TimeoutSeconds": "timeout_seconds",
    "Host": "host",
    "Port": "port",
}


def _model_spec(spec: dict[str, Any]) -> dict[str, Any]:
    container = spec.get("PrimaryContainer") or {}
    return {
        "model_name": spec.get("ModelName") or "",
        "image": container.get("Image"),
        "model_data_url": container.get("ModelDataUrl") or spec.get("ModelDataUrl"),
        "environment": {str(k): str(v) for k, v in (container.get("Environment") or {}).items()},
        "entry_point": spec.get("EntryPoint"),
        "source_dir": spec.get("SourceDir"),
        "builtin_module": spec.get("BuiltinModule"),
        "training_job_name": spec.get("TrainingJobName"),
    }


def _endpoint_spec(spec: dict[str, Any]) -> dict[str, Any]:
    return {new: spec[old] for old, new in _ENDPOINT_KEYS.items() if old in spec}


def _retype_specs() -> None:
    """Model and endpoint specs move from SageMaker-style keys to the typed specs' fields
    (``sabio.inference.ModelSpec``, ``sabio.serving.EndpointSpec``)."""
    jobs = sa.table(
        "jobs",
        sa.column("kind", sa.String),
        sa.column("name", sa.String),
        sa.column("spec", sa.JSON),
    )
    bind = op.get_bind()
    for kind, retype in (("model", _model_spec), ("endpoint", _endpoint_spec)):
        rows = bind.execute(sa.select(jobs.c.name, jobs.c.spec).where(jobs.c.kind == kind))
        for name, spec in rows.all():
            bind.execute(
                sa.update(jobs)
                .where(jobs.c.kind == kind, jobs.c.name == name)
                .values(spec=retype(spec))
            )


def downgrade() -> None:
    raise NotImplementedError(
        "Revision 0003 moved every job into one table; going back would drop what later "
        "kinds recorded. Restore a backup of the catalog taken before upgrading instead."
    )
