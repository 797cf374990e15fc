"""Endpoint lifecycle with real supervisor and worker processes over real HTTP."""

from __future__ import annotations

import os
import re
import signal
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio import serving
from sabio._config import Settings
from sabio.exceptions import ConflictError, JobFailedError, NotFoundError
from sabio.inference import ModelSpec, PayloadError

from .conftest import model_spec

try:
    from tests.inference._models import diabetes_row, trained_xgboost, user_model
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import (  # type: ignore[no-redef]
        diabetes_row,
        trained_xgboost,
        user_model,
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def _wait(condition: Callable[[], object], timeout: float = 30.0) -> None:
    wait_until(condition, timeout)


def test_endpoints_serve_update_restart_and_delete(workspace: Settings, tmp_path: Path) -> None:
    serving.create_model(workspace, "xgb", model_spec(trained_xgboost()))
    serving.create_model(workspace, "dot", model_spec(user_model(tmp_path / "dot")))
    record = serving.create_endpoint(workspace, "ep-main", "xgb", instance_count=2)
    assert record.status == "InService"
    url = record.details["Url"]
    port = record.details["Port"]
    client = serving.EndpointClient(url, "ep-main")
    body, kind = client.invoke(diabetes_row().encode(), "text/csv", "text/csv")
    assert kind == "text/csv" and float(body)
    with pytest.raises(PayloadError, match="expected 10 features") as info:
        client.invoke(b"1,2", "text/csv", "text/csv")
    assert info.value.status_code == 400

    with pytest.raises(ConflictError, match="already exists"):
        serving.create_endpoint(workspace, "ep-main", "xgb")

    # /metrics shows the whole endpoint, whichever worker answers the scrape.
    for _ in range(6):
        fresh = serving.EndpointClient(url, "ep-main")  # a new connection: any worker
        fresh.invoke(diabetes_row().encode(), "text/csv", "text/csv")
        fresh.close()
    series = 'sabio_requests_total{endpoint="ep-main",route="/invocations",code="200"} 7'
    _wait(lambda: series in client.request("GET", "/metrics")[1].decode())
    # Both workers count, the one that answered no request too (each publishes at start).
    workers = re.search(
        r'^sabio_workers\{endpoint="ep-main"\} (\d+)$',
        client.request("GET", "/metrics")[1].decode(),
        re.M,
    )
    assert workers is not None and int(workers.group(1)) == 2

    # A crashed worker is replaced.
    victim = record.details["Workers"][0]
    os.kill(victim, signal.SIGKILL)
    _wait(
        lambda: (
            victim not in serving.describe_endpoint(workspace, "ep-main").details["Workers"]
            and len(serving.describe_endpoint(workspace, "ep-main").details["Workers"]) == 2
        )
    )
    client.invoke(diabetes_row().encode(), "text/csv", "text/csv")

    # Swap models under load: no request fails.
    failures: list[BaseException] = []
    stop = threading.Event()

    def hammer() -> None:
        local = serving.EndpointClient(url, "ep-main")
        while not stop.is_set():
            try:
                local.invoke(b"1,1,1,1,1,1,1,1,1,1", "text/csv", "application/json")
            except PayloadError:
                pass  # the new model wants 3 features: a 400 is an answer, not a failure
            except BaseException as exc:
                failures.append(exc)
        local.close()

    threads = [threading.Thread(target=hammer) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        updated = serving.update_endpoint(workspace, "ep-main", model_name="dot")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert updated.details["ModelName"] == "dot"
    assert client.invoke(b"1,1,1", "text/csv", "text/csv")[0] == b"6.0"

    with pytest.raises(NotFoundError, match="Did you mean 'ep-main'"):
        serving.describe_endpoint(workspace, "ep-mian")
    client.close()
    pid = serving.describe_endpoint(workspace, "ep-main").supervisor_pid
    serving.delete_endpoint(workspace, "ep-main")
    assert pid is not None and not _alive(pid)
    with socket.socket() as probe:
        # The port is free again (connections the server closed may linger in TIME_WAIT,
        # which SO_REUSEADDR servers such as sabio's own ignore).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def test_endpoints_corrupt_model_fails_without_leftovers(
    workspace: Settings, tmp_path: Path
) -> None:
    bad = tmp_path / "model.tar.gz"
    bad.write_bytes(b"not a tarball")
    serving.create_model(workspace, "corrupt", ModelSpec(model_data_url=str(bad)))
    with pytest.raises(JobFailedError, match=r"not a readable \.tar\.gz archive"):
        serving.create_endpoint(workspace, "ep-bad", "corrupt")
    record = serving.describe_endpoint(workspace, "ep-bad")
    assert record.status == "Failed"
    assert record.supervisor_pid is not None
    _wait(lambda: not _alive(record.supervisor_pid))  # type: ignore[arg-type]
    serving.delete_endpoint(workspace, "ep-bad")


def test_endpoints_model_fn_failure_is_the_reason(workspace: Settings, tmp_path: Path) -> None:
    folder = user_model(tmp_path / "m", "def model_fn(d):\n    raise ValueError('no weights')\n")
    serving.create_model(workspace, "broken", model_spec(folder))
    with pytest.raises(JobFailedError, match="no weights"):
        serving.create_endpoint(workspace, "ep-broken", "broken")
    serving.delete_endpoint(workspace, "ep-broken")


def test_endpoints_dead_server_is_reconciled_to_failed(workspace: Settings, tmp_path: Path) -> None:
    serving.create_model(workspace, "dot2", model_spec(user_model(tmp_path / "dot")))
    record = serving.create_endpoint(workspace, "ep-dead", "dot2")
    worker = record.details["Workers"][0]
    assert record.supervisor_pid is not None
    os.kill(record.supervisor_pid, signal.SIGKILL)
    _wait(lambda: not _alive(record.supervisor_pid))  # type: ignore[arg-type]
    described = serving.describe_endpoint(workspace, "ep-dead")
    assert described.status == "Failed"
    assert "exited unexpectedly" in (described.failure_reason or "")
    _wait(lambda: not _alive(worker))
    serving.delete_endpoint(workspace, "ep-dead")


def test_endpoints_bad_arguments(workspace: Settings) -> None:
    with pytest.raises(NotFoundError, match="Model 'nope' does not exist"):
        serving.create_endpoint(workspace, "ep-x", "nope")
    with pytest.raises(ValueError, match="name 'bad name!' is invalid"):
        serving.create_endpoint(workspace, "bad name!", "nope")
    with pytest.raises(NotFoundError, match="does not exist"):
        serving.delete_endpoint(workspace, "never-was")
