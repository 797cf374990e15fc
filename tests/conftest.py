"""Shared fixtures: real servers on loopback (session-wide) and an isolated workspace."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

try:
    from tests._servers import (
        PostgresUnavailableError,
        RayUnavailableError,
        moto_s3_server,
        postgres_server,
        ray_cluster,
    )
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from _servers import (  # type: ignore[no-redef]
        PostgresUnavailableError,
        RayUnavailableError,
        moto_s3_server,
        postgres_server,
        ray_cluster,
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
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """URL of the test PostgreSQL database with a fresh, empty schema first on the search path."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(scope="session")
def ray_address() -> Iterator[str]:
    """Address of a real two-node Ray cluster on this machine (a head and a second node
    named ``second-machine``), shared by the session; skips when Ray is not installed."""
    ray = pytest.importorskip("ray", reason="the Ray tests need Ray (pip install -e '.[ray]')")
    with contextlib.ExitStack() as stack:
        try:
            address = stack.enter_context(ray_cluster())
        except RayUnavailableError as exc:
            pytest.skip(f"a Ray cluster cannot be started here: {exc}")
        yield address
        if ray.is_initialized():
            ray.shutdown()


@pytest.fixture
def sabio_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace folder set as ``SABIO_HOME`` (database and store URLs unset)."""
    home = tmp_path / "sabio-home"
    home.mkdir()
    monkeypatch.setenv("SABIO_HOME", str(home))
    for name in ("SABIO_DATABASE_URL", "SABIO_STORE_URL", "SABIO_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return home
