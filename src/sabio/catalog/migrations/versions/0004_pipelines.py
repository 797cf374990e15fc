"""Pipelines: a table of pipeline definitions (SageMaker's CreatePipeline/UpdatePipeline).

A pipeline's executions are jobs of kind ``pipeline_execution`` in ``jobs`` (their
``parent`` is the pipeline name); only the definitions need a table of their own.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pipelines",
        sa.Column("name", sa.String(256), primary_key=True),
        sa.Column("display_name", sa.String(256), nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("role_arn", sa.Text, nullable=True),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("last_modified", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pipelines")
