"""``sabio scheduler start|stop|status`` and ``sabio schedules list|create|delete|runs``."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from tests._wait import wait_until
from typer.testing import CliRunner

from sabio import processing_jobs
from sabio.cli import app
from sabio.scheduling import list_runs, stop_scheduler
from sabio.session import Session


@pytest.fixture
def runner(sabio_home: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "250")
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_schedules_and_scheduler(runner: CliRunner, tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text("print('ran')\n")
    request = tmp_path / "request.json"
    request.write_text(
        json.dumps(
            {
                "ProcessingJobName": "cli-job",
                "AppSpecification": {
                    "ImageUri": "sabio/script",
                    "ContainerEntrypoint": ["python3", str(script)],
                },
            }
        )
    )
    start = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 58))
    out = invoke(
        runner,
        "schedules",
        "create",
        "cli-minutely",
        "--processing-request",
        str(request),
        "--expression",
        "rate(1 minute)",
        "--start-date",
        start,
        "-p",
        "Mode=fast",
    )
    assert "Schedule cli-minutely created (ENABLED)" in out
    assert "rate(1 minute)" in invoke(runner, "schedules", "list")
    bad = runner.invoke(app, ["schedules", "create", "x", "--pipeline", "p"])
    assert bad.exit_code != 0
    assert "No scheduler is running" in invoke(runner, "scheduler", "status")
    settings = Session().settings
    try:
        assert "started" in invoke(runner, "scheduler", "start", "--poll", "0.5")
        assert "running since" in invoke(runner, "scheduler", "status")
        (run,) = wait_until(
            lambda: [r for r in list_runs(settings, "cli-minutely") if r.status == "Started"],
            timeout=90,
            what="the schedule's first run",
        )
        assert processing_jobs.wait(settings, run.target_run, timeout=120).status == "Completed"
        assert "cli-job-" in invoke(runner, "schedules", "runs", "cli-minutely")
        assert "Stopped scheduler-" in invoke(runner, "scheduler", "stop")
    finally:
        stop_scheduler(settings)
    assert "Schedule cli-minutely deleted" in invoke(runner, "schedules", "delete", "cli-minutely")
