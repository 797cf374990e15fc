"""Endpoint faults with real supervisor and worker processes (issue 19, finding 9): workers
killed while loading, a one-worker endpoint whose worker dies, a supervisor killed with
SIGKILL or SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio import serving
from sabio._config import Settings, load_settings
from sabio.exceptions import JobFailedError
from sabio.inference import ModelSpec

try:
    from tests.inference._models import user_model
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import user_model  # type: ignore[no-redef]

#: A model whose workers announce themselves in $PIDS_DIR and load only once $PIDS_DIR/go
#: exists, so a test can kill them while they load.
GATED_INFERENCE = """
import os
import time

import numpy as np


def model_fn(model_dir):
    folder = os.environ["PIDS_DIR"]
    open(os.path.join(folder, str(os.getpid())), "w").close()
    while not os.path.exists(os.path.join(folder, "go")):
        time.sleep(0.02)
    return np.asarray([1.0, 2.0, 3.0])


def predict_fn(data, model):
    return np.asarray(data, dtype=float) @ model
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    home = tmp_path_factory.mktemp("sabio-faults")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SABIO_HOME", str(home))
        for name in ("SABIO_DATABASE_URL", "SABIO_STORE_URL", "SABIO_CONFIG"):
            patch.delenv(name, raising=False)
        settings = load_settings()
        yield settings
        for record in serving.list_endpoints(settings):
            serving.delete_endpoint(settings, record.name)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except OSError:
        return False


def log_of(settings: Settings, name: str) -> str:
    folder = serving.endpoint_dir(settings, name)
    return "".join(p.read_text(errors="replace") for p in sorted(folder.glob("*")) if p.is_file())


def test_faults_workers_killed_while_loading_do_not_fail_the_endpoint(
    workspace: Settings, tmp_path: Path
) -> None:
    pids = tmp_path / "pids"
    pids.mkdir()
    model = user_model(tmp_path / "gated", GATED_INFERENCE)
    spec = ModelSpec(model_data_url=str(model), environment={"PIDS_DIR": str(pids)})
    serving.create_model(workspace, "gated", spec)
    serving.create_endpoint(workspace, "ep-loading", "gated", wait=False)
    killed: list[int] = []
    for _ in range(2):  # kill the loading worker twice
        pid = wait_until(
            lambda: next((int(p.name) for p in pids.iterdir() if int(p.name) not in killed), 0),
            60,
            "a loading worker",
        )
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
    (pids / "go").touch()
    record = serving.wait_for_endpoint(workspace, "ep-loading", timeout=120)
    assert record.status == "InService"
    assert not set(record.details["Workers"]) & set(killed)
    client = serving.EndpointClient(record.details["Url"], "ep-loading")
    try:
        assert client.invoke(b"1,1,1", "text/csv", "text/csv")[0].strip() == b"6.0"
    finally:
        client.close()
    log = log_of(workspace, "ep-loading")
    assert f"worker {killed[0]} was killed by SIGKILL" in log


def test_faults_more_than_five_crashes_in_a_minute_fail_the_endpoint(
    workspace: Settings, tmp_path: Path
) -> None:
    pids = tmp_path / "pids"
    pids.mkdir()
    model = user_model(tmp_path / "gated", GATED_INFERENCE)
    spec = ModelSpec(model_data_url=str(model), environment={"PIDS_DIR": str(pids)})
    serving.create_model(workspace, "gated6", spec)
    serving.create_endpoint(workspace, "ep-crashy", "gated6", wait=False)
    killed: list[int] = []
    for _ in range(6):
        pid = wait_until(
            lambda: next((int(p.name) for p in pids.iterdir() if int(p.name) not in killed), 0),
            60,
            "a loading worker",
        )
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
    with pytest.raises(JobFailedError, match="Workers crashed 6 times within 60 s") as info:
        serving.wait_for_endpoint(workspace, "ep-crashy", timeout=120)
    assert "was killed by SIGKILL" in str(info.value)
    serving.delete_endpoint(workspace, "ep-crashy")


def test_faults_one_worker_endpoint_keeps_answering_while_its_worker_restarts(
    workspace: Settings, tmp_path: Path
) -> None:
    serving.create_model(workspace, "dot", ModelSpec(model_data_url=str(user_model(tmp_path))))
    record = serving.create_endpoint(workspace, "ep-one", "dot")
    (worker,) = record.details["Workers"]
    client = serving.EndpointClient(record.details["Url"], "ep-one")
    answers: list[bytes] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def traffic() -> None:
        while not done.is_set():
            try:
                answers.append(client.invoke(b"1,1,1", "text/csv", "text/csv")[0].strip())
            except Exception as exc:
                errors.append(exc)
        client.close()  # this thread's connection

    sender = threading.Thread(target=traffic)
    sender.start()
    try:
        wait_until(lambda: len(answers) > 20, 60, "traffic before the kill")
        os.kill(worker, signal.SIGTERM)  # then SIGKILL the replacement: both kinds of death
        replacement = wait_until(
            lambda: [
                w
                for w in serving.describe_endpoint(workspace, "ep-one").details["Workers"]
                if w != worker
            ],
            60,
            "a new worker",
        )[0]
        os.kill(replacement, signal.SIGKILL)
        wait_until(
            lambda: [
                w
                for w in serving.describe_endpoint(workspace, "ep-one").details["Workers"]
                if w not in (worker, replacement)
            ],
            60,
            "a second new worker",
        )
        count = len(answers)
        wait_until(lambda: len(answers) > count + 20, 60, "traffic after the restarts")
    finally:
        done.set()
        sender.join(timeout=60)
    # Requests in flight on the dying worker are retried on a new connection; new ones wait
    # in the listening socket's queue (which the supervisor holds) for the new worker.
    assert errors == []
    assert set(answers) == {b"6.0"}
    assert serving.describe_endpoint(workspace, "ep-one").status == "InService"
    log = log_of(workspace, "ep-one")
    assert f"worker {worker} exited with code 0 after a SIGTERM" in log
    assert f"worker {replacement} was killed by SIGKILL" in log
    assert "out of memory or machine restart" not in log


def test_faults_workers_stop_when_their_supervisor_is_killed(
    workspace: Settings, tmp_path: Path
) -> None:
    serving.create_model(workspace, "dot3", ModelSpec(model_data_url=str(user_model(tmp_path))))
    record = serving.create_endpoint(workspace, "ep-orphan", "dot3", instance_count=2)
    workers = record.details["Workers"]
    assert record.supervisor_pid is not None
    os.kill(record.supervisor_pid, signal.SIGKILL)
    # Nobody reads the endpoint's status: the workers notice on their own.
    wait_until(lambda: not any(alive(w) for w in workers), 60, "the workers to stop")
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", record.details["Port"]), 2):
        pass
    assert "supervisor process is gone" in log_of(workspace, "ep-orphan")


def test_faults_sigterm_to_the_supervisor_is_reported_as_such(
    workspace: Settings, tmp_path: Path
) -> None:
    serving.create_model(workspace, "dot4", ModelSpec(model_data_url=str(user_model(tmp_path))))
    record = serving.create_endpoint(workspace, "ep-term", "dot4")
    assert record.supervisor_pid is not None
    os.kill(record.supervisor_pid, signal.SIGTERM)
    wait_until(lambda: not alive(record.supervisor_pid or 0), 60, "the supervisor to stop")
    described = serving.describe_endpoint(workspace, "ep-term")
    assert described.status == "Failed"
    reason = described.failure_reason or ""
    assert "got SIGTERM from outside sabio" in reason
    assert "out of memory" not in reason
    assert not any(alive(w) for w in record.details["Workers"])
