"""The model registry: model package groups and their numbered model packages.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_package_groups",
        sa.Column("name", sa.String(63), primary_key=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
    )
    op.create_table(
        "model_packages",
        sa.Column("group_name", sa.String(63), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("approval_status", sa.String(32), nullable=False),
        sa.Column("approval_description", sa.Text, nullable=True),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("lineage", sa.JSON, nullable=False),
        sa.Column("approvals", sa.JSON, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("last_modified", sa.Float, nullable=False),
        sa.Column("last_modified_by", sa.String(255), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_name"],
            ["model_package_groups.name"],
            name="fk_model_packages_group",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_model_packages_group_status", "model_packages", ["group_name", "approval_status"]
    )


def downgrade() -> None:
    op.drop_index("ix_model_packages_group_status", table_name="model_packages")
    op.drop_table("model_packages")
    op.drop_table("model_package_groups")
