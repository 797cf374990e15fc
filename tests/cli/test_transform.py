"""``sabio transform run|list|describe|logs|stop``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sabio.cli import app
from sabio.exceptions import NotFoundError
from sabio.session import Session
from transform._models import register_model, write_csv


@pytest.fixture
def runner(sabio_home: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "200")
    register_model()
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_transform_run_list_describe_logs_stop(runner: CliRunner, tmp_path: Path) -> None:
    write_csv(tmp_path / "in.csv", [[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])
    data = Session().upload_data(str(tmp_path / "in.csv"), key_prefix="cli")
    output = invoke(
        runner,
        "transform",
        "run",
        "linear",
        data,
        "--content-type",
        "text/csv",
        "--accept",
        "text/csv",
        "--split-type",
        "Line",
        "--job-name",
        "cli-job",
        "--output-path",
        "s3://sabio-default/cli-out",
    )
    assert "Transform job cli-job: output in s3://sabio-default/cli-out" in output
    assert Session().read_s3_file("sabio-default", "cli-out/in.csv.out").split() == ["14.0", "3.0"]
    listing = invoke(runner, "transform", "list")
    assert "cli-job" in listing and "Completed" in listing
    described = json.loads(invoke(runner, "transform", "describe", "cli-job", "--json"))
    assert described["TransformJobStatus"] == "Completed"
    assert described["TransformProgress"]["Records"] == 2
    assert "Completed" in invoke(runner, "transform", "describe", "cli-job")
    assert "Completed" in invoke(runner, "transform", "logs", "cli-job")
    assert "already ended" in invoke(runner, "transform", "stop", "cli-job")


def test_cli_transform_describe_unknown_job(runner: CliRunner) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        runner.invoke(app, ["transform", "describe", "nope"], catch_exceptions=False)
