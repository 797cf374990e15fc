"""Schedules and their run history (the scheduler's tables).

``schedules`` holds one row per schedule (a time expression, a data-arrival prefix, or
both) and ``schedule_runs`` one row per occurrence it started; the unique
``(schedule_name, occurrence)`` is the claim that keeps two schedulers from starting the
same run twice.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("target", sa.JSON, nullable=False),
        sa.Column("expression", sa.String(256), nullable=True),
        sa.Column("trigger_prefix", sa.Text, nullable=True),
        sa.Column("parameter_name", sa.String(256), nullable=True),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("start_at", sa.Float, nullable=False),
        sa.Column("end_at", sa.Float, nullable=True),
        sa.Column("last_occurrence", sa.Float, nullable=True),
        sa.Column("baseline", sa.JSON, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("last_modified", sa.Float, nullable=False),
    )
    op.create_table(
        "schedule_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("schedule_name", sa.String(64), nullable=False),
        sa.Column("occurrence", sa.String(1024), nullable=False),
        sa.Column("scheduled_time", sa.Float, nullable=True),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("target_run", sa.String(255), nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("scheduler", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_name"],
            ["schedules.name"],
            name="fk_schedule_runs_schedule",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("schedule_name", "occurrence", name="uq_schedule_runs_occurrence"),
    )
    op.create_index(
        "ix_schedule_runs_schedule_started",
        "schedule_runs",
        ["schedule_name", "started_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_schedule_runs_schedule_started", table_name="schedule_runs")
    op.drop_table("schedule_runs")
    op.drop_table("schedules")
