"""The job kernel's conformance suite: every job kind on every backend.

Each kind gets a small adapter that submits a real job of that kind which keeps running
until stopped (a sleeping script, a tuning job of one sleeping trial, a transform job of a
slow model, an endpoint); the assertions are the kernel's, the same for all: launch,
heartbeat, reconcile after ``kill -9`` of the supervisor, stop, follow, wait, describe,
admission (CPU slots) and warm start.
"""

from __future__ import annotations

import os
import signal
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests._wait import wait_until
from tests.transform._models import register_model, write_csv

from sabio import serving, supervision, transform
from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.estimator import Estimator
from sabio.exceptions import NotFoundError, TimeoutError_
from sabio.inference import MODEL
from sabio.processing import Processor
from sabio.processing_jobs import PROCESSING
from sabio.scheduling import SCHEDULER, start_scheduler
from sabio.serving._kind import ENDPOINT
from sabio.session import Session
from sabio.supervision import JobKind
from sabio.supervision.backends import LocalBackend
from sabio.training import TRAINING
from sabio.transform import TRANSFORM
from sabio.tuner import ContinuousParameter, HyperparameterTuner
from sabio.tuning._kind import TUNING

SLEEPER = """
import sys, time
print("sleeper started", flush=True)
for _ in range(600):
    time.sleep(0.1)
"""


@dataclass(frozen=True)
class Case:
    """How to run a long job of one kind, and what its kind promises."""

    kind: JobKind
    start: Callable[[Session, Path, str, str], None]
    #: The status of a job that runs.
    running: str
    #: The status it ends in after a stop.
    stopped: str
    #: A line its log shows once it runs (None: it keeps no ``logs.txt``).
    log_line: str | None
    #: Whether a sized instance type waits for CPU slots.
    admission: bool


def _train(session: Session, tmp: Path, name: str, instance_type: str) -> None:
    script = tmp / "sleeper.py"
    script.write_text(textwrap.dedent(SLEEPER))
    estimator = Estimator(
        entry_point=str(script), instance_type=instance_type, sagemaker_session=session
    )
    estimator.fit(job_name=name, wait=False)


def _tune(session: Session, tmp: Path, name: str, instance_type: str) -> None:
    script = tmp / "trial.py"
    script.write_text(textwrap.dedent(SLEEPER) + "print('loss: 1.0')\n")
    estimator = Estimator(
        entry_point=str(script), instance_type=instance_type, sagemaker_session=session
    )
    tuner = HyperparameterTuner(
        estimator,
        "loss",
        {"x": ContinuousParameter(0.0, 1.0)},
        metric_definitions=[{"Name": "loss", "Regex": r"loss: ([0-9.]+)"}],
        objective_type="Minimize",
        max_jobs=1,
        max_parallel_jobs=1,
    )
    tuner.fit(job_name=name, wait=False)


def _model(session: Session, tmp: Path) -> tuple[str, str]:
    model = "slow" if Catalog.open(session.settings).jobs(MODEL).exists("slow") else None
    model = model or register_model("slow", delay=0.5)
    write_csv(tmp / "rows.csv", [[1.0, 2.0, 3.0]] * 200)
    return model, session.upload_data(str(tmp / "rows.csv"), key_prefix="conformance/in")


def _transform(session: Session, tmp: Path, name: str, instance_type: str) -> None:
    model, data = _model(session, tmp)
    spec = transform.build_spec(
        job_name=name,
        model_name=model,
        data=data,
        output_path=f"s3://out/{name}",
        content_type="text/csv",
        split_type="Line",
        strategy="SingleRecord",
        instance_type=instance_type,
    )
    transform.submit(session.settings, spec)


def _process(session: Session, tmp: Path, name: str, instance_type: str) -> None:
    script = tmp / "sleeper.py"
    script.write_text(textwrap.dedent(SLEEPER))
    processor = Processor(
        entrypoint=["python3", str(script)], instance_type=instance_type, sagemaker_session=session
    )
    processor.run(job_name=name, wait=False, logs=False)


def _schedule(session: Session, tmp: Path, name: str, instance_type: str) -> None:
    start_scheduler(session.settings, poll_seconds=0.5, exclusive=False, name=name)


def _endpoint(session: Session, tmp: Path, name: str, instance_type: str) -> None:
    model, _ = _model(session, tmp)
    serving.create_endpoint(session.settings, name, model, instance_type=instance_type, wait=False)


CASES = [
    Case(TRAINING, _train, "InProgress", "Stopped", "sleeper started", admission=True),
    Case(TUNING, _tune, "InProgress", "Stopped", "started ", admission=False),
    Case(TRANSFORM, _transform, "InProgress", "Stopped", "Starting transform job", True),
    Case(ENDPOINT, _endpoint, "InService", "Deleting", None, admission=False),
    Case(PROCESSING, _process, "InProgress", "Stopped", "sleeper started", admission=True),
    Case(SCHEDULER, _schedule, "InProgress", "Stopped", "started (every 0.5 s)", admission=False),
]
#: The Ray backend runs this suite in test_ray.py (beside this file under xdist).
BACKENDS = ["local"]


@pytest.fixture(params=CASES, ids=[c.kind.name for c in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


def use_backend(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, name: str
) -> Iterator[str]:
    """Make the test's workspace run its jobs on the backend ``name``."""
    monkeypatch.setenv("SABIO_BACKEND", name)
    if name == "ray":
        # Two machines as far as Ray can tell: the catalog must be one they all reach.
        monkeypatch.setenv("RAY_ADDRESS", request.getfixturevalue("ray_address"))
        monkeypatch.setenv("SABIO_DATABASE_URL", request.getfixturevalue("postgres_schema_url"))
    yield name
    chosen = supervision.backend_for(name)
    if isinstance(chosen, LocalBackend):
        chosen.pool.clear()


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, sabio_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    yield from use_backend(request, monkeypatch, request.param)


@pytest.fixture
def session(backend: str) -> Iterator[Session]:
    session = Session()
    yield session
    for record in serving.list_endpoints(session.settings):
        serving.delete_endpoint(session.settings, record.name)


def _record(session: Session, case: Case, name: str) -> JobRecord:
    return Catalog.open(session.settings).jobs(case.kind).get(name)


def _running(session: Session, case: Case, name: str) -> JobRecord:
    return wait_until(
        lambda: (
            (r := _record(session, case, name)).status == case.running
            and r.heartbeat_at is not None
            and r
        ),
        what=f"{case.kind.label} {name} to run",
    )


def _group(pgid: int) -> set[int]:
    members = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
                members.add(int(entry))
    return members


def _stop(session: Session, case: Case, name: str) -> None:
    """Stop the job and wait until nothing it started is left."""
    pid = _record(session, case, name).supervisor_pid
    if case.kind is ENDPOINT:
        serving.delete_endpoint(session.settings, name)
    else:
        supervision.stop(session.settings, case.kind, name)
        supervision.wait(session.settings, case.kind, name, timeout=60)
    if pid is not None:
        wait_until(lambda: not _group(pid), timeout=30, what=f"{name}'s processes to end")


def test_launch_records_the_supervisor_and_it_beats(
    session: Session, case: Case, tmp_path: Path
) -> None:
    case.start(session, tmp_path, "job-1", "local")
    record = _running(session, case, "job-1")
    assert record.supervisor_pid is not None
    assert supervision.backend_for(session.settings.backend).alive(
        case.kind, record.supervisor_pid, record.supervisor_host
    )
    first = record.heartbeat_at
    assert first is not None
    wait_until(
        lambda: (_record(session, case, "job-1").heartbeat_at or 0) > first,
        timeout=supervision.HEARTBEAT_SECONDS * 4,
        what="a second heartbeat",
    )
    _stop(session, case, "job-1")


def test_killed_supervisor_is_reconciled_and_its_processes_stopped(
    session: Session, case: Case, tmp_path: Path
) -> None:
    case.start(session, tmp_path, "job-1", "local")
    record = _running(session, case, "job-1")
    pid = record.supervisor_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    described = wait_until(
        lambda: (
            (r := supervision.describe(session.settings, case.kind, "job-1")).status == "Failed"
            and r
        ),
        timeout=20,
        what="the job to be reconciled",
    )
    assert str(pid) in (described.failure_reason or "")
    wait_until(lambda: not _group(pid), timeout=20, what="its process group to end")
    # The outcome is final: reading again changes nothing.
    again = supervision.describe(session.settings, case.kind, "job-1")
    assert (again.status, again.failure_reason) == (described.status, described.failure_reason)
    if case.kind is ENDPOINT:
        serving.delete_endpoint(session.settings, "job-1")


def test_stop_ends_the_job(session: Session, case: Case, tmp_path: Path) -> None:
    case.start(session, tmp_path, "job-1", "local")
    record = _running(session, case, "job-1")
    if case.kind is ENDPOINT:
        assert supervision.stop(session.settings, ENDPOINT, "job-1")
        pid = record.supervisor_pid
        assert pid is not None
        wait_until(lambda: not _group(pid), timeout=30, what="the endpoint's server to end")
        assert _record(session, case, "job-1").status == case.stopped
        serving.delete_endpoint(session.settings, "job-1")
        return
    assert supervision.stop(session.settings, case.kind, "job-1")
    ended = supervision.wait(session.settings, case.kind, "job-1", timeout=60)
    assert ended.status == case.stopped
    assert ended.is_terminal and ended.ended_at is not None
    assert not supervision.stop(session.settings, case.kind, "job-1")  # already ended
    pid = record.supervisor_pid
    assert pid is not None
    wait_until(lambda: not _group(pid), timeout=30, what="everything the job started to end")


def test_follow_streams_the_log_and_wait_times_out_with_the_kind(
    session: Session, case: Case, tmp_path: Path
) -> None:
    case.start(session, tmp_path, "job-1", "local")
    _running(session, case, "job-1")
    lines: list[str] = []
    with pytest.raises(TimeoutError_, match=rf"{case.kind.label} 'job-1' did not finish"):
        supervision.follow(session.settings, case.kind, "job-1", lines.append, timeout=1.5)
    if case.log_line is not None:
        wait_until(
            lambda: supervision.follow(
                session.settings,
                case.kind,
                "job-1",
                lines.append,
                until=lambda _record: any(case.log_line in line for line in lines),
            ),
            what="the log line",
        )
    _stop(session, case, "job-1")


def test_describe_has_history_and_unknown_names_get_a_hint(
    session: Session, case: Case, tmp_path: Path
) -> None:
    case.start(session, tmp_path, "cancer-job", "local")
    _running(session, case, "cancer-job")
    described = supervision.describe(session.settings, case.kind, "cancer-job")
    assert described.kind == case.kind.name
    assert described.history and described.history[0].timestamp <= time.time()
    with pytest.raises(NotFoundError, match="Did you mean 'cancer-job'") as info:
        supervision.describe(session.settings, case.kind, "cancer-jobb")
    assert case.kind.label in str(info.value)
    _stop(session, case, "cancer-job")


def test_sized_instance_types_wait_for_cpu_slots(
    session: Session, case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not case.admission:
        pytest.skip(f"{case.kind.label}s reserve no CPU slots")
    if session.settings.backend != "local":
        pytest.skip("Ray admits jobs by placing them (tests/supervision/test_ray.py)")
    monkeypatch.setenv("SABIO_CPU_SLOTS", "2")
    session = Session()
    case.start(session, tmp_path, "holder", "ml.m5.large")  # 2 vCPUs: the whole machine
    _running(session, case, "holder")
    wait_until(lambda: _holds_slots(session, "holder"), what="the first job to hold its slots")
    case.start(session, tmp_path, "waiter", "ml.m5.large")
    wait_until(
        lambda: "waiting for" in _log(session, case, "waiter"),
        what="the second job to wait for slots",
    )
    _stop(session, case, "holder")
    wait_until(lambda: _holds_slots(session, "waiter"), what="the waiting job to start")
    _stop(session, case, "waiter")


def _log(session: Session, case: Case, name: str) -> str:
    path = supervision.job_dir(session.settings, case.kind, name) / "logs.txt"
    return path.read_text() if path.exists() else ""


def _holds_slots(session: Session, name: str) -> bool:
    for kind in (TRAINING, TRANSFORM, PROCESSING):
        folder = supervision.job_dir(session.settings, kind, name)
        log = folder / "logs.txt"
        if log.exists():
            text = log.read_text()
            if "Holding" in text or "Downloading" in text:
                return True
    return False


def test_third_job_of_a_kind_starts_from_the_warm_pool(
    session: Session, case: Case, tmp_path: Path
) -> None:
    settings: Settings = session.settings
    backend = supervision.backend_for(settings.backend)
    if not backend.warm_pools:
        pytest.skip(f"the {backend.name} backend keeps no warm pools")
    for index in (1, 2):
        case.start(session, tmp_path, f"job-{index}", "local")
        _running(session, case, f"job-{index}")
        _stop(session, case, f"job-{index}")
    assert isinstance(backend, LocalBackend)
    env = supervision.job_env(settings)
    assert backend.pool.wait_ready(case.kind, env, 60)
    standby = backend.pool.standby_pid(case.kind, env)
    case.start(session, tmp_path, "job-3", "local")
    _running(session, case, "job-3")
    log = (supervision.job_dir(settings, case.kind, "job-3") / "supervisor.log").read_text()
    assert f"forked from the warm pool (standby {standby})" in log
    _stop(session, case, "job-3")
