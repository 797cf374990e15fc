"""``sabio endpoints list|describe|invoke|logs|delete`` against a real endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sabio import serving
from sabio._config import load_settings
from sabio.cli import app
from sabio.exceptions import NotFoundError
from sabio.inference import ModelSpec

try:
    from tests.inference._models import user_model
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import user_model  # type: ignore[no-redef]


def test_endpoints_cli_round_trip(
    sabio_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    settings = load_settings()
    spec = ModelSpec(model_data_url=str(user_model(tmp_path / "m")))
    serving.create_model(settings, "dot", spec)
    serving.create_endpoint(settings, "dot-ep", "dot")
    runner = CliRunner()

    listed = runner.invoke(app, ["endpoints", "list"])
    assert listed.exit_code == 0 and "dot-ep" in listed.output and "InService" in listed.output
    described = runner.invoke(app, ["endpoints", "describe", "dot-ep", "--json"])
    assert json.loads(described.output)["Url"].startswith("http://127.0.0.1:")
    answer = runner.invoke(app, ["endpoints", "invoke", "dot-ep", "--body", "1,1,1"])
    assert answer.exit_code == 0 and answer.output.strip() == "[6.0]"
    logs = runner.invoke(app, ["endpoints", "logs", "dot-ep"])
    assert "InService" in logs.output
    deleted = runner.invoke(app, ["endpoints", "delete", "dot-ep"])
    assert deleted.exit_code == 0 and "Deleted endpoint dot-ep" in deleted.output


def test_endpoints_cli_unknown_endpoint(sabio_home: Path) -> None:
    result = CliRunner().invoke(app, ["endpoints", "describe", "nope"])
    assert isinstance(result.exception, NotFoundError)
    assert "Endpoint 'nope' does not exist" in str(result.exception)
