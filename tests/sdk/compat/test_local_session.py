"""``sagemaker.local.LocalSession``: local mode's session, arguments and config."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.exceptions import ValidationError
from sabio.local import LocalSession
from sabio.session import Session


def test_local_session_defaults_and_config(sabio_home: Path, tmp_path: Path) -> None:
    session = LocalSession()
    assert isinstance(session, Session)
    assert session.local_mode is True
    assert session.config == {"local": {"local_code": True}}
    assert session.local_code is True
    session.config = {"local": {"local_code": True, "region_name": "us-east-1"}}
    assert session.local_code is True
    (tmp_path / "x.csv").write_text("1\n")
    uri = session.upload_data(str(tmp_path / "x.csv"), key_prefix="local")
    assert uri == f"s3://{session.default_bucket()}/local/x.csv"


def test_local_session_disable_local_code_and_bad_config(sabio_home: Path) -> None:
    session = LocalSession(disable_local_code=True)
    assert session.local_code is False
    session.config = {"local": "yes"}  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="must be a dictionary"):
        _ = session.local_code


def test_local_session_s3_endpoint_url_selects_an_s3_store(sabio_home: Path) -> None:
    session = LocalSession(s3_endpoint_url="http://127.0.0.1:9")
    assert session.settings.s3_endpoint_url == "http://127.0.0.1:9"
    assert session.settings.store_url.startswith("s3://")
