"""Training jobs, their status history and metrics.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_jobs",
        sa.Column("name", sa.String(63), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("secondary_status", sa.String(32), nullable=False),
        sa.Column("failure_reason", sa.Text, nullable=True),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("tuning_job_name", sa.String(63), nullable=True),
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
    op.create_index("ix_training_jobs_tuning_job_name", "training_jobs", ["tuning_job_name"])
    op.create_index("ix_training_jobs_created_at", "training_jobs", ["created_at"])
    op.create_index("ix_training_jobs_status", "training_jobs", ["status"])
    op.create_table(
        "job_status_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "job_name",
            sa.String(63),
            sa.ForeignKey("training_jobs.name", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("secondary_status", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("timestamp", sa.Float, nullable=False),
    )
    op.create_index("ix_job_status_history_job_name", "job_status_history", ["job_name"])
    op.create_table(
        "metrics",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "job_name",
            sa.String(63),
            sa.ForeignKey("training_jobs.name", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("step", sa.Integer, nullable=True),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("timestamp", sa.Float, nullable=False),
    )
    op.create_index("ix_metrics_job_name_name", "metrics", ["job_name", "name"])


def downgrade() -> None:
    op.drop_table("metrics")
    op.drop_table("job_status_history")
    op.drop_table("training_jobs")
