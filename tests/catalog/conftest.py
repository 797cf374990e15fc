"""Fixtures of the catalog tests: one fresh catalog per test on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sabio.catalog import Catalog


def sqlite_url(folder: Path) -> str:
    """URL of a fresh SQLite catalog file in ``folder``."""
    return f"sqlite:///{folder / 'catalog.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty catalog database of each supported kind."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def catalog(catalog_url: str) -> Iterator[Catalog]:
    """A migrated, empty catalog of each supported kind."""
    opened = Catalog.from_url(catalog_url)
    yield opened
    opened.engine.dispose()
