"""Fixtures of the store tests: one ``store`` per implementation, a fresh bucket per test."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from sabio._config import Settings
from sabio.storage import Store


def local_settings(home: Path) -> Settings:
    """Settings of a local folder store under ``home``."""
    return Settings(home=home, database_url="sqlite://", store_url=f"file://{home / 'store'}")


def s3_settings(home: Path, endpoint_url: str) -> Settings:
    """Settings of an S3 store on the moto server at ``endpoint_url``."""
    return Settings(
        home=home,
        database_url="sqlite://",
        store_url="s3://",
        s3_endpoint_url=endpoint_url,
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
        # moto's buckets outlive a test: give each test its own default bucket.
        default_bucket=f"default-{uuid.uuid4().hex[:12]}",
    )


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A :class:`Store` of each implementation; every conformance test runs against both."""
    if request.param == "local":
        return Store(local_settings(tmp_path))
    return Store(s3_settings(tmp_path, request.getfixturevalue("s3_endpoint")))


@pytest.fixture
def bucket(store: Store) -> str:
    """A fresh, empty bucket in ``store``."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    store.create_bucket(name)
    return name


@pytest.fixture
def local_store(tmp_path: Path) -> Store:
    """A local folder store rooted at ``tmp_path / 'store'``."""
    return Store(local_settings(tmp_path))


@pytest.fixture
def s3_store(tmp_path: Path, s3_endpoint: str) -> Store:
    """An S3 store on the session's moto server."""
    return Store(s3_settings(tmp_path, s3_endpoint))
