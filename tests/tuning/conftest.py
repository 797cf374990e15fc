"""Fixtures of the tuning tests: a session of a fresh workspace with a train channel."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.session import Session

from ._helpers import upload_data


@pytest.fixture
def session(sabio_home: Path) -> Session:
    """A session of the fresh workspace ``sabio_home``."""
    return Session()


@pytest.fixture
def train_uri(session: Session) -> str:
    """URI of a one-file ``train`` channel."""
    return upload_data(session)
