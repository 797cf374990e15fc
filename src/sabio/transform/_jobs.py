"""Submitting, describing, stopping and following transform jobs."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

from sabio._config import Settings, environ, settings_to_env
from sabio.backends import backend_for
from sabio.backends._follow import follow_folder, signal_stop
from sabio.backends._process import process_alive
from sabio.catalog import TERMINAL_STATUSES, Catalog, ResourceRecord
from sabio.exceptions import ValidationError
from sabio.storage import Store
from sabio.transform._reader import list_inputs
from sabio.transform._records import RecordPlan
from sabio.transform._spec import TransformJobSpec

__all__ = ["describe", "follow", "job_dir", "reconcile", "stop", "submit", "wait"]

SUPERVISOR_MODULE = "sabio.transform._supervisor"
#: A supervisor whose heartbeat is older than this (and whose process is gone) is dead.
STALE_SECONDS = 15.0


def job_dir(settings: Settings, name: str) -> Path:
    """The local folder of a transform job (spec, log, model copy, markers)."""
    return settings.home / "transforms" / name


def submit(
    settings: Settings, spec: TransformJobSpec, store: Store | None = None
) -> ResourceRecord:
    """Validate a spec, record the job as ``InProgress`` and start its supervisor.

    Everything that can be checked before the job exists is checked first (model, input
    files, filters against the content types), so bad input leaves no record behind.

    Raises:
        ValidationError, NotFoundError: bad input (names what is wrong and how to fix it).
        ConflictError: a transform job with this name exists already.
    """
    store = store or Store(settings)
    catalog = Catalog.open(settings)
    catalog.models.get(spec.model_name)
    if not spec.output_path.startswith("s3://"):
        raise ValidationError(
            f"output_path must be an s3:// URI, got {spec.output_path!r} "
            f"(transform job {spec.job_name!r}). Example: s3://my-bucket/predictions."
        )
    list_inputs(store, spec.data, spec.data_type)
    if spec.record_level:
        RecordPlan.create(
            spec.content_type,
            spec.accept,
            spec.input_filter,
            spec.output_filter,
            spec.join_source == "Input",
        )
    bucket = spec.output_path[len("s3://") :].split("/", 1)[0]
    store.create_bucket(bucket)
    record = catalog.transform_jobs.create(
        spec.job_name, spec.model_dump(mode="json"), status="InProgress"
    )
    folder = job_dir(settings, spec.job_name)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("done", "logs.txt"):
        (folder / stale).unlink(missing_ok=True)
    (folder / "spec.json").write_text(spec.model_dump_json(indent=2))
    env = {**environ(), **settings_to_env(settings)}
    try:
        pid = backend_for(settings.backend).launch(SUPERVISOR_MODULE, folder, env)
    except OSError as exc:
        catalog.transform_jobs.transition(
            spec.job_name,
            "Failed",
            failure_reason=f"InternalServerError: cannot start the supervisor: {exc}",
        )
        raise
    if pid is not None:
        catalog.transform_jobs.update(spec.job_name, supervisor_pid=pid)
    return record


def reconcile(catalog: Catalog, record: ResourceRecord) -> ResourceRecord:
    """Mark a job ``Failed`` when its supervisor died without recording an outcome."""
    if record.status in TERMINAL_STATUSES:
        return record
    dead = False
    if record.supervisor_pid is not None and record.supervisor_host in (None, socket.gethostname()):
        dead = not process_alive(record.supervisor_pid, SUPERVISOR_MODULE)
        if dead:
            time.sleep(0.05)  # wait out the supervisor's last write (it may have just ended)
            record = catalog.transform_jobs.get(record.name)
            if record.status in TERMINAL_STATUSES:
                return record
    elif record.heartbeat_at is not None:
        dead = time.time() - record.heartbeat_at > STALE_SECONDS
    if not dead:
        return record
    if record.supervisor_pid is not None:
        try:
            os.killpg(record.supervisor_pid, signal.SIGKILL)  # its worker processes too
        except (ProcessLookupError, PermissionError):
            pass
    catalog.transform_jobs.transition(
        record.name,
        "Failed",
        failure_reason=(
            f"InternalServerError: the transform job's supervisor process (pid "
            f"{record.supervisor_pid}) died without recording an outcome (killed, out of "
            "memory or machine restart). Its workers were stopped; run the job again."
        ),
    )
    return catalog.transform_jobs.get(record.name)


def describe(settings: Settings, name: str) -> ResourceRecord:
    """Return a job's record, reconciling a dead supervisor first.

    Raises:
        NotFoundError: no such job (with a "Did you mean" hint).
    """
    catalog = Catalog.open(settings)
    return reconcile(catalog, catalog.transform_jobs.get(name))


def stop(settings: Settings, name: str) -> bool:
    """Ask a running job to stop; returns False when it had already ended."""
    catalog = Catalog.open(settings)
    record = reconcile(catalog, catalog.transform_jobs.get(name))
    if record.status in TERMINAL_STATUSES or not catalog.transform_jobs.request_stop(name):
        return False
    catalog.transform_jobs.transition(name, "Stopping", only_from=["InProgress"])
    record = catalog.transform_jobs.get(name)
    signal_stop(record.supervisor_pid, record.heartbeat_at)
    return True


def follow(
    settings: Settings,
    name: str,
    write: Callable[[str], None] | None,
    *,
    timeout: float | None = None,
    poll_seconds: float = 0.02,
) -> ResourceRecord:
    """Stream a job's log to ``write`` (None: just wait) until it ends; return the record.

    Raises:
        NotFoundError: no such job.
        TimeoutError_: the job did not end within ``timeout`` seconds.
    """
    catalog = Catalog.open(settings)
    catalog.transform_jobs.get(name)
    follow_folder(
        job_dir(settings, name),
        write,
        ended=lambda: (
            reconcile(catalog, catalog.transform_jobs.get(name)).status in TERMINAL_STATUSES
        ),
        timeout=timeout,
        timeout_message=f"Transform job {name!r} did not finish within {timeout} s; it is "
        "still running. Wait again, or stop it with `sabio transform stop`.",
        poll_seconds=poll_seconds,
    )
    return catalog.transform_jobs.get(name)


def wait(settings: Settings, name: str, timeout: float | None = None) -> ResourceRecord:
    """Block until a job ends (without printing its log)."""
    return follow(settings, name, None, timeout=timeout)
