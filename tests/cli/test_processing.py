"""``sabio processing list|describe|logs|stop``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests._wait import wait_until
from typer.testing import CliRunner

from sabio import processing_jobs
from sabio.cli import app
from sabio.processing import Processor
from sabio.session import Session


@pytest.fixture
def runner(sabio_home: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_processing_list_describe_logs_stop(runner: CliRunner, tmp_path: Path) -> None:
    script = tmp_path / "sleeper.py"
    script.write_text("import time\nprint('sleeper started', flush=True)\ntime.sleep(120)\n")
    processor = Processor(entrypoint=["python3", str(script)], sagemaker_session=Session())
    processor.run(job_name="cli-prep", wait=False, logs=False)
    settings = Session().settings
    log = processing_jobs.job_dir(settings, "cli-prep") / "logs.txt"
    wait_until(lambda: log.exists() and "sleeper started" in log.read_text(), what="the job")
    assert "cli-prep" in invoke(runner, "processing", "list")
    described = json.loads(invoke(runner, "processing", "describe", "cli-prep", "--json"))
    assert described["ProcessingJobStatus"] == "InProgress"
    assert "Command: python3" in invoke(runner, "processing", "describe", "cli-prep")
    assert "sleeper started" in invoke(runner, "processing", "logs", "cli-prep")
    assert "cli-prep: Stopped" in invoke(runner, "processing", "stop", "cli-prep")
    assert "has already ended" in invoke(runner, "processing", "stop", "cli-prep")
    result = runner.invoke(app, ["processing", "describe", "cli-pre"])
    assert result.exit_code != 0
