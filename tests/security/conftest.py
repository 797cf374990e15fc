"""A workspace shared by the endpoint tests of one module (endpoints take a second to start)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sabio._config import Settings, load_settings


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    home = tmp_path_factory.mktemp("sabio-security")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SABIO_HOME", str(home))
        for name in ("SABIO_DATABASE_URL", "SABIO_STORE_URL", "SABIO_CONFIG"):
            patch.delenv(name, raising=False)
        settings = load_settings()
        yield settings
        from sabio import serving

        for record in serving.list_endpoints(settings):
            serving.delete_endpoint(settings, record.name)
