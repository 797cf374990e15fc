"""Tuning jobs, models, endpoints and transform jobs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TABLES = ("tuning_jobs", "models", "endpoints", "transform_jobs")


def upgrade() -> None:
    for name in _TABLES:
        op.create_table(
            name,
            sa.Column("name", sa.String(63), primary_key=True),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("failure_reason", sa.Text, nullable=True),
            sa.Column("spec", sa.JSON, nullable=False),
            sa.Column("details", sa.JSON, nullable=False),
            sa.Column("created_at", sa.Float, nullable=False),
            sa.Column("started_at", sa.Float, nullable=True),
            sa.Column("ended_at", sa.Float, nullable=True),
            sa.Column("last_modified", sa.Float, nullable=False),
            sa.Column("heartbeat_at", sa.Float, nullable=True),
            sa.Column("supervisor_pid", sa.Integer, nullable=True),
            sa.Column("supervisor_host", sa.String(255), nullable=True),
            sa.Column("stop_requested", sa.Boolean, nullable=False),
        )
        op.create_index(f"ix_{name}_created_at", name, ["created_at"])


def downgrade() -> None:
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_created_at", table_name=name)
        op.drop_table(name)
