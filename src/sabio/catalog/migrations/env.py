"""Alembic environment: runs migrations on the connection sabio hands over."""

from __future__ import annotations

from alembic import context

from sabio.catalog._schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - sabio always passes a connection
    raise RuntimeError("sabio runs its migrations programmatically; use sabio.catalog.migrate().")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
