"""Fixtures of the training tests: a script writer and a session of a fresh workspace."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from sabio.session import Session

WriteFile = Callable[[str, str], Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """``write_file("src/train.py", code)`` writes dedented ``code`` under ``tmp_path``."""

    def write(relative: str, text: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
        return path

    return write


@pytest.fixture
def session(sabio_home: Path) -> Session:
    """A session of the fresh workspace ``sabio_home``."""
    return Session()
