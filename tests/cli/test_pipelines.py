"""``sabio pipelines list|start|executions|describe|graph|retry|stop|send-step-*``."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests._wait import wait_until
from typer.testing import CliRunner

from sabio._config import load_settings
from sabio.cli import app
from sabio.exceptions import ValidationError
from sabio.pipelines import FUNCTION_ARN, create_function, upsert_pipeline, wait_execution

FUNCTION = "def handler(event, context):\n    return {'y': int(event['x']) + 1}\n"


@pytest.fixture
def runner(sabio_home: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "200")
    settings = load_settings()
    create_function(settings, "inc", FUNCTION, "fn.handler")
    step = {
        "Name": "Inc",
        "Type": "Lambda",
        "FunctionArn": FUNCTION_ARN.format(name="inc"),
        "Arguments": {"x": {"Get": "Parameters.X"}},
        "OutputParameters": [{"OutputName": "y", "OutputType": "Integer"}],
    }
    wait = {
        "Name": "Approve",
        "Type": "Callback",
        "DependsOn": ["Inc"],
        "SqsQueueUrl": "local://q",
        "Arguments": {"y": {"Get": "Steps.Inc.OutputParameters['y']"}},
        "OutputParameters": [],
    }
    upsert_pipeline(
        settings,
        "cli-pipe",
        {
            "Parameters": [{"Name": "X", "Type": "Integer", "DefaultValue": 1}],
            "Steps": [step, wait],
        },
    )
    return CliRunner()


def invoke(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_cli_pipelines_start_describe_callback_graph(runner: CliRunner) -> None:
    assert "cli-pipe" in invoke(runner, "pipelines", "list")
    started = invoke(runner, "pipelines", "start", "cli-pipe", "-p", "X=41")
    execution = started.split()[2]

    def waiting_token() -> str | None:
        output = invoke(runner, "pipelines", "describe", "cli-pipe")
        for line in output.splitlines():
            if "callback token" in line:
                return line.split("callback token")[1].split()[0]
        return None

    token = wait_until(waiting_token, 60, "the callback token")
    assert "success" in invoke(runner, "pipelines", "send-step-success", token)
    record = wait_execution(load_settings(), execution, timeout=60)
    assert record.status == "Succeeded"
    assert record.details["Steps"]["Inc"]["Properties"]["OutputParameters"] == {"y": 42}
    assert execution in invoke(runner, "pipelines", "executions", "cli-pipe")
    graph = invoke(runner, "pipelines", "graph", "cli-pipe", "--execution", execution)
    assert "stage 2" in graph and "Approve (Callback)" in graph and "<- Inc" in graph
    assert '"StepName": "Inc"' in invoke(runner, "pipelines", "describe", "cli-pipe", "--json")


def test_cli_pipelines_bad_parameter_and_retry_of_a_running_execution(runner: CliRunner) -> None:
    result = runner.invoke(app, ["pipelines", "start", "cli-pipe", "-p", "X=lots"])
    assert isinstance(result.exception, ValidationError)
    assert "'X' is an Integer" in str(result.exception)
    execution = invoke(runner, "pipelines", "start", "cli-pipe").split()[2]
    result = runner.invoke(app, ["pipelines", "retry", execution])
    assert isinstance(result.exception, ValidationError)
    assert "only a Failed execution can be retried" in str(result.exception)
    assert "Stopping" in invoke(runner, "pipelines", "stop", execution)
    assert wait_execution(load_settings(), execution, timeout=60).status == "Stopped"
