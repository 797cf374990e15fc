"""Executions are supervised jobs: parallel steps, branches, retries, callbacks, stop."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from tests._wait import wait_until

from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.exceptions import ValidationError
from sabio.pipelines import (
    FUNCTION_ARN,
    PIPELINE_EXECUTION,
    create_function,
    describe_execution,
    retry_execution,
    send_step_success,
    start_execution,
    stop_execution,
    upsert_pipeline,
    wait_execution,
)

SLEEP = (
    "import time\n"
    "def handler(event, context):\n"
    "    time.sleep(event['s'])\n"
    "    return {'t': time.time()}\n"
)
FLAKY = (
    "from pathlib import Path\n"
    "def handler(event, context):\n"
    "    marker = Path(event['marker'])\n"
    "    if not marker.exists():\n"
    "        marker.write_text('seen')\n"
    "        raise OSError('flaky service')\n"
    "    return {'ok': 'yes'}\n"
)
NEEDS = (
    "from pathlib import Path\n"
    "def handler(event, context):\n"
    "    if not Path(event['path']).exists():\n"
    "        raise ValueError('not there yet')\n"
    "    return {}\n"
)


def _lambda(name: str, function: str, arguments: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "Name": name,
        "Type": "Lambda",
        "FunctionArn": FUNCTION_ARN.format(name=function),
        "Arguments": arguments,
        "OutputParameters": extra.pop("outputs", []),
        **extra,
    }


def _run(name: str, steps: list[dict[str, Any]], **parameters: Any) -> Any:
    settings = load_settings()
    upsert_pipeline(settings, name, {"Version": "2020-12-01", "Steps": steps})
    execution = start_execution(settings, name, parameters)
    return wait_execution(settings, execution, timeout=120)


def test_executions_run_independent_steps_in_parallel(sabio_home: Path) -> None:
    create_function(load_settings(), "sleep", SLEEP, "fn.handler")
    record = _run("parallel", [_lambda(n, "sleep", {"s": 1.5}) for n in ("A", "B", "C")])
    assert record.status == "Succeeded"
    steps = record.details["Steps"]
    last_start = max(steps[n]["StartTime"] for n in "ABC")
    first_end = min(steps[n]["EndTime"] for n in "ABC")
    assert last_start < first_end  # all three were running at once


def test_executions_condition_runs_one_branch_and_fail_step_fails(sabio_home: Path) -> None:
    create_function(load_settings(), "sleep", SLEEP, "fn.handler")
    check = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [
                {"Type": "GreaterThan", "LeftValue": {"Get": "Parameters.N"}, "RightValue": 5}
            ],
            "IfSteps": [
                {
                    "Name": "Big",
                    "Type": "Fail",
                    "Arguments": {
                        "ErrorMessage": {
                            "Std:Join": {"On": " ", "Values": ["N is", {"Get": "Parameters.N"}]}
                        }
                    },
                }
            ],
            "ElseSteps": [_lambda("Small", "sleep", {"s": 0})],
        },
    }
    settings = load_settings()
    upsert_pipeline(
        settings,
        "branch",
        {"Parameters": [{"Name": "N", "Type": "Integer", "DefaultValue": 1}], "Steps": [check]},
    )
    small = wait_execution(settings, start_execution(settings, "branch", {}), timeout=120)
    assert small.status == "Succeeded"
    assert set(small.details["Steps"]) == {"Check", "Small"}
    assert small.details["Steps"]["Check"]["Metadata"]["Condition"]["Outcome"] == "False"
    big = wait_execution(settings, start_execution(settings, "branch", {"N": 9}), timeout=120)
    assert big.status == "Failed"
    assert big.failure_reason == "N is 9"
    assert set(big.details["Steps"]) == {"Check", "Big"}


def test_executions_bad_parameter_starts_nothing(sabio_home: Path) -> None:
    settings = load_settings()
    upsert_pipeline(
        settings, "typed", {"Parameters": [{"Name": "N", "Type": "Integer"}], "Steps": []}
    )
    with pytest.raises(ValidationError, match="'N' is an Integer"):
        start_execution(settings, "typed", {"N": "many"})
    assert Catalog.open(settings).jobs(PIPELINE_EXECUTION).list() == []


def test_executions_retry_policy_retries_a_service_fault(sabio_home: Path, tmp_path: Path) -> None:
    create_function(load_settings(), "flaky", FLAKY, "fn.handler")
    policy = {
        "ExceptionType": ["Step.SERVICE_FAULT"],
        "IntervalSeconds": 0,
        "BackoffRate": 1.0,
        "MaxAttempts": 2,
    }
    step = _lambda("Flaky", "flaky", {"marker": str(tmp_path / "m")}, RetryPolicies=[policy])
    record = _run("retrying", [step])
    assert record.status == "Succeeded"
    assert record.details["Steps"]["Flaky"]["AttemptCount"] == 2


def test_executions_retry_reruns_only_what_did_not_succeed(
    sabio_home: Path, tmp_path: Path
) -> None:
    settings = load_settings()
    create_function(settings, "sleep", SLEEP, "fn.handler")
    create_function(settings, "needs", NEEDS, "fn.handler")
    needed = tmp_path / "ready"
    steps = [
        _lambda("First", "sleep", {"s": 0}),
        _lambda("Second", "needs", {"path": str(needed)}, DependsOn=["First"]),
    ]
    failed = _run("retry", steps)
    assert failed.status == "Failed"
    assert "not there yet" in failed.details["Steps"]["Second"]["FailureReason"]
    first_end = failed.details["Steps"]["First"]["EndTime"]
    needed.write_text("now")
    retry_execution(settings, failed.name)
    done = wait_execution(settings, failed.name, timeout=120)
    assert done.status == "Succeeded"
    assert done.name == failed.name
    assert done.details["Steps"]["First"]["EndTime"] == first_end  # kept, not run again
    with pytest.raises(ValidationError, match="only a Failed execution can be retried"):
        retry_execution(settings, done.name)


def test_executions_callback_completed_by_token(sabio_home: Path) -> None:
    settings = load_settings()
    callback = {
        "Name": "Approve",
        "Type": "Callback",
        "SqsQueueUrl": "local://approvals",
        "Arguments": {"model": "m-1"},
        "OutputParameters": [{"OutputName": "score", "OutputType": "Float"}],
    }
    check = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [
                {
                    "Type": "GreaterThanOrEqualTo",
                    "LeftValue": {"Get": "Steps.Approve.OutputParameters['score']"},
                    "RightValue": 0.5,
                }
            ]
        },
    }
    upsert_pipeline(settings, "callback", {"Steps": [callback, check]})
    execution = start_execution(settings, "callback", {})

    def token() -> str | None:
        state = describe_execution(settings, execution).details.get("Steps", {}).get("Approve")
        return ((state or {}).get("Metadata") or {}).get("Callback", {}).get("CallbackToken")

    send_step_success(
        settings, wait_until(token, 60, "the callback token"), [{"Name": "score", "Value": "0.8"}]
    )
    record = wait_execution(settings, execution, timeout=120)
    assert record.status == "Succeeded"
    assert record.details["Steps"]["Approve"]["Properties"] == {"OutputParameters": {"score": 0.8}}
    assert record.details["Steps"]["Check"]["Properties"] == {"Outcome": True}


def test_executions_stop_ends_a_waiting_step(sabio_home: Path) -> None:
    settings = load_settings()
    callback = {
        "Name": "Wait",
        "Type": "Callback",
        "SqsQueueUrl": "local://q",
        "Arguments": {},
        "OutputParameters": [],
    }
    upsert_pipeline(settings, "stoppable", {"Steps": [callback]})
    execution = start_execution(settings, "stoppable", {})
    wait_until(
        lambda: describe_execution(settings, execution).details.get("Steps", {}).get("Wait"),
        60,
        "the step to start",
    )
    started = time.monotonic()
    assert stop_execution(settings, execution)
    record = wait_execution(settings, execution, timeout=60)
    assert record.status == "Stopped"
    assert record.details["Steps"]["Wait"]["StepStatus"] == "Stopped"
    assert time.monotonic() - started < 30


def test_executions_outlive_the_process_that_started_them(sabio_home: Path) -> None:
    import subprocess
    import sys

    settings = load_settings()
    create_function(settings, "sleep", SLEEP, "fn.handler")
    upsert_pipeline(settings, "detached", {"Steps": [_lambda("Nap", "sleep", {"s": 2})]})
    starter = (
        "from sabio._config import load_settings\n"
        "from sabio.pipelines import start_execution\n"
        "print(start_execution(load_settings(), 'detached', {}, trigger='test'))\n"
    )
    started = subprocess.run(
        [sys.executable, "-c", starter], capture_output=True, text=True, check=True, timeout=120
    )
    execution = started.stdout.strip()  # the starting process has exited by now
    record = wait_execution(settings, execution, timeout=120)
    assert record.status == "Succeeded"
    assert record.spec["trigger"] == "test"
