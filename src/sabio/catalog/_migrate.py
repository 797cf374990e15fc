"""Schema migrations, run programmatically on first use of a database."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from sabio.exceptions import CatalogError

__all__ = ["HEAD_REVISION", "migrate"]

#: The newest revision in migrations/versions; a test checks it against alembic's head.
HEAD_REVISION = "0006"

_MIGRATIONS = Path(__file__).with_name("migrations")


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return None if row is None else str(row[0])


def _newer_workspace(engine: Engine, revision: str) -> str:
    try:
        version = importlib.metadata.version("sabio")
    except importlib.metadata.PackageNotFoundError:
        version = "(unknown version)"
    return (
        f"The catalog at {engine.url.render_as_string()} was created or upgraded by a newer "
        f"sabio: its schema revision is {revision!r}, and this sabio {version} knows schema "
        f"revisions up to {HEAD_REVISION!r}. Upgrade sabio (pip install -U sabio) to use this "
        "workspace, or point SABIO_HOME (or SABIO_DATABASE_URL) at another one. The catalog "
        "was not changed."
    )


def migrate(engine: Engine) -> None:
    """Bring the database to :data:`HEAD_REVISION`; a no-op (one query) when it is there.

    Raises:
        CatalogError: the database cannot be reached or migrated, or a newer sabio made it
            (names its schema revision and this sabio's).
    """
    try:
        current = _current_revision(engine)
        if current == HEAD_REVISION:
            return
        # alembic is imported lazily: it is only needed once per database.
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
        if current is not None and current not in known:
            raise CatalogError(_newer_workspace(engine, current))
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Serialise concurrent first opens; released at commit.
                conn.execute(text("SELECT pg_advisory_xact_lock(5417001)"))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise CatalogError(
            f"Cannot open or migrate the catalog at {engine.url.render_as_string()}: {exc}. "
            "Check SABIO_DATABASE_URL and that the database server is running."
        ) from exc
