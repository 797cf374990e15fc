"""Shared fixtures: real servers on loopback (session-wide) and an isolated workspace."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from tests._servers import PostgresUnavailableError, moto_s3_server, postgres_server
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from _servers import (  # type: ignore[no-redef]
        PostgresUnavailableError,
        moto_s3_server,
        postgres_server,
    )


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """Endpoint URL (``http://127.0.0.1:<port>``) of a moto S3 server shared by the session;
    skips when moto (the ``dev`` extra) is not installed."""
    pytest.importorskip("moto", reason="the S3 tests need moto (pip install -e '.[dev]')")
    with moto_s3_server() as endpoint_url:
        yield endpoint_url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a throw-away PostgreSQL database; skips when it cannot be started."""
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(postgres_server())
        except PostgresUnavailableError as exc:
            pytest.skip(f"PostgreSQL is not available: {exc}")
        yield url


@pytest.fixture
def sabio_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace folder set as ``SABIO_HOME`` (database and store URLs unset)."""
    home = tmp_path / "sabio-home"
    home.mkdir()
    monkeypatch.setenv("SABIO_HOME", str(home))
    for name in ("SABIO_DATABASE_URL", "SABIO_STORE_URL", "SABIO_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return home
