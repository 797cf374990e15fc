"""Engine creation: SQLite in WAL mode with immediate write locks, or PostgreSQL.

Many supervisor processes write to one SQLite file at once. Two things keep them from
failing with "database is locked": WAL mode (readers never block writers) and
``BEGIN IMMEDIATE`` for every transaction, which takes the write lock up front so two
connections never deadlock while upgrading a read lock (SQLite then returns
SQLITE_BUSY at once, bypassing the busy timeout). The busy timeout makes waiters queue.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from sabio.exceptions import ConfigError

__all__ = ["engine_for"]

_BUSY_TIMEOUT_MS = 60_000
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # pysqlite's own transaction handling would BEGIN lazily (deferred); take over.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def engine_for(url: str) -> Engine:
    """Return the process-wide engine for a database URL (created on first use).

    Raises:
        ConfigError: the URL cannot be parsed or names an unsupported database.
    """
    with _lock:
        engine = _engines.get(url)
        if engine is not None:
            return engine
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise ConfigError(
                f"Database URL {url!r} cannot be parsed: {exc}. Expected sqlite:///path/catalog.db "
                "or postgresql+psycopg://user@host:5432/db (SABIO_DATABASE_URL)."
            ) from exc
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # NullPool: connections are cheap for SQLite and it keeps forked/detached
            # processes from inheriting open handles.
            engine = create_engine(url, poolclass=NullPool)
            _configure_sqlite(engine)
        elif backend == "postgresql":
            engine = create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)
        else:
            raise ConfigError(
                f"Unsupported catalog database {backend!r} in {url!r}. "
                "sabio supports sqlite and postgresql."
            )
        _engines[url] = engine
        return engine


def dispose_all(close: bool = True) -> None:
    """Drop every cached engine; after a fork pass ``close=False`` so the parent's
    connections are left alone (SQLAlchemy's guidance for forked processes)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose(close=close)
        _engines.clear()
