"""Fixtures of the kernel tests: a session of a fresh workspace, and a clean warm pool."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sabio.session import Session
from sabio.supervision import backend_for
from sabio.supervision.backends import LocalBackend


@pytest.fixture
def session(sabio_home: Path) -> Session:
    """A session of the fresh workspace ``sabio_home``."""
    return Session()


@pytest.fixture
def local() -> Iterator[LocalBackend]:
    """This process's local backend; its warm pool is emptied after the test."""
    backend = backend_for("local")
    assert isinstance(backend, LocalBackend)
    yield backend
    backend.pool.clear()
