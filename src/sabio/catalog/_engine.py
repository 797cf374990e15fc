"""Engine creation: SQLite in WAL mode with immediate write locks, or PostgreSQL.

Many supervisor processes write to one SQLite file at once. Three things keep them from
failing with "database is locked": WAL mode (readers never block writers), ``BEGIN
IMMEDIATE`` for every transaction, which takes the write lock up front so two connections
never deadlock while upgrading a read lock (SQLite then returns SQLITE_BUSY at once,
bypassing the busy timeout), and a bounded retry of the two steps where SQLite can still
answer "locked" without waiting on its busy timeout (opening a connection, while another
process checkpoints or recovers the WAL, and taking the write lock). Both steps run before
a transaction has done anything, so retrying them is always safe. What SQLite still
refuses (a lock held past the bound, a full disk) becomes a :class:`CatalogError` saying
what to do, in one place (:func:`_explain`).
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from sabio.exceptions import CatalogError, ConfigError

__all__ = ["dispose_all", "engine_for"]

_BUSY_TIMEOUT_MS = 60_000
#: How long opening a connection or taking the write lock is retried in all (seconds).
LOCK_WAIT_SECONDS = 120.0
_engines: dict[str, Engine] = {}
_lock = threading.Lock()
_T = TypeVar("_T")


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def _is_full(exc: BaseException) -> bool:
    return "database or disk is full" in str(exc).lower()


def _retry_locked(step: Callable[[], _T], database: str) -> _T:
    """Run ``step`` (which has not changed anything when it fails), retrying while SQLite
    answers "locked", with a jittered backoff, for up to :data:`LOCK_WAIT_SECONDS`.

    Raises:
        CatalogError: still locked after that long, or the disk is full.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.005
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) or time.monotonic() + delay > deadline:
                explained = _explain(exc, database)
                if explained is exc:
                    raise
                raise explained from exc
        # Jitter keeps processes that collided from colliding again in step.
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.25)


def _explain(exc: BaseException, database: str) -> BaseException:
    """The :class:`CatalogError` for a SQLite error a user can act on; ``exc`` otherwise."""
    where = Path(database).parent if database and database != ":memory:" else Path(".")
    if _is_full(exc):
        return CatalogError(
            f"The catalog's disk is full: free space under {where} (the catalog database "
            f"{database} could not grow: {exc}), then run the job again. Nothing was recorded "
            "by the write that failed."
        )
    if _is_locked(exc):
        return CatalogError(
            f"The catalog database {database} stayed locked for more than "
            f"{LOCK_WAIT_SECONDS:.0f} s: another process holds a write lock on it and does not "
            "release it (a stuck `sqlite3` shell or a process paused in a debugger?). End that "
            "process, then retry."
        )
    return exc


def _configure_sqlite(engine: Engine, database: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # pysqlite's own transaction handling would BEGIN lazily (deferred); take over.
        dbapi_conn.isolation_level = None

        def pragmas() -> None:
            cur = dbapi_conn.cursor()
            try:
                cur.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA foreign_keys=ON")
            finally:
                cur.close()

        _retry_locked(pragmas, database)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # On the driver's connection: a failed BEGIN then leaves SQLAlchemy's state alone,
        # so it can simply be tried again.
        driver: sqlite3.Connection = conn.connection.driver_connection
        _retry_locked(lambda: driver.execute("BEGIN IMMEDIATE"), database)

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        original = context.original_exception
        explained = _explain(original, database)
        if explained is not original:
            raise explained from original


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
            database = parsed.database or ""
            if database and database != ":memory:":
                _create_private(Path(database))
            # NullPool: connections are cheap for SQLite and it keeps forked/detached
            # processes from inheriting open handles.
            engine = create_engine(url, poolclass=NullPool)
            _configure_sqlite(engine, database)
        elif backend == "postgresql":
            engine = create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)
        else:
            raise ConfigError(
                f"Unsupported catalog database {backend!r} in {url!r}. "
                "sabio supports sqlite and postgresql."
            )
        _engines[url] = engine
        return engine


def _create_private(database: Path) -> None:
    """Create a new SQLite file readable by its owner only (its ``-wal`` and ``-shm`` files
    get the same mode from SQLite); an existing one is left as it is."""
    if not database.parent.exists():
        database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)  # an empty file is an empty SQLite database


def dispose_all(close: bool = True) -> None:
    """Drop every cached engine; after a fork pass ``close=False`` so the parent's
    connections are left alone (SQLAlchemy's guidance for forked processes)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose(close=close)
        _engines.clear()
