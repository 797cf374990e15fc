"""Submitting, describing, stopping and following training jobs."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from pathlib import Path

from sabio._config import Settings, environ, settings_to_env
from sabio.backends import TRAINING_SUPERVISOR, backend_for
from sabio.backends._follow import follow_folder, signal_stop
from sabio.backends._instances import instance_type
from sabio.backends._process import process_alive
from sabio.catalog import Catalog, TrainingJobRecord
from sabio.storage import Store
from sabio.training._channels import check_channel
from sabio.training._layout import HostLayout
from sabio.training._process import kill_process_group
from sabio.training._spec import TrainingJobSpec

__all__ = [
    "adopt_standby",
    "describe",
    "follow",
    "job_dir",
    "metrics_file",
    "prepare_standby",
    "reconcile",
    "stop",
    "submit",
    "wait",
]

SUPERVISOR_MODULE = TRAINING_SUPERVISOR
#: A supervisor whose heartbeat is older than this (and whose process is gone) is dead.
STALE_SECONDS = 15.0


def job_dir(settings: Settings, name: str) -> Path:
    """The local folder of a job (logs, hosts' ``/opt/ml`` folders, markers)."""
    return settings.jobs_dir / name


def metrics_file(settings: Settings, job_name: str, host: str = "algo-1") -> Path:
    """The structured metrics file (JSON Lines) a job's program on ``host`` appends to.

    ``sabio.runtime.log_metric`` and the built-ins write one line per value as they go; the
    supervisor copies them into the catalog every couple of seconds and once more before
    the job's final status. Read it for live values sooner than that (the tuner's pruning
    does); a last line may be incomplete while the program runs.
    """
    return HostLayout(job_dir(settings, job_name) / host).metrics_file


def prepare_standby(settings: Settings, builtin_module: str, timeout: float = 15.0) -> bool:
    """Have the backend warm a supervisor for jobs of ``builtin_module`` now.

    For a caller about to submit many jobs of one built-in (a tuning job): the local
    backend otherwise starts its pre-imported standby only at the second job and uses it
    once it is ready, so the first jobs pay a cold interpreter and framework import each.
    Waits up to ``timeout`` seconds for the standby to be ready; returns whether it is
    (False also when the backend keeps no standby, and jobs then simply start cold).
    """
    prepare = getattr(backend_for(settings.backend), "prepare", None)
    if prepare is None:
        return False
    env = {**environ(), **settings_to_env(settings)}  # the same key submit() launches with
    return bool(prepare(SUPERVISOR_MODULE, env, (builtin_module,), timeout))


def adopt_standby(settings: Settings, argument: str, fds: tuple[int, int] = (3, 4)) -> bool:
    """Use the standby a parent process started for this one (``sabio.backends.start_standby``)
    for the jobs this process submits; :func:`prepare_standby` then waits for it instead of starting
    another. Returns False (and lets it go) when it does not match this process's jobs.
    """
    adopt = getattr(backend_for(settings.backend), "adopt", None)
    env = {**environ(), **settings_to_env(settings)}
    if adopt is None:
        for fd in fds:
            os.close(fd)
        return False
    return bool(adopt(SUPERVISOR_MODULE, env, argument, fds))


def submit(
    settings: Settings,
    spec: TrainingJobSpec,
    store: Store | None = None,
    code_archive: Path | None = None,
    keep_alive: float = 0.0,
) -> TrainingJobRecord:
    """Validate a spec, record the job, upload its code and start its supervisor; return the
    job's record (with the supervisor's pid when the backend gave one).

    ``keep_alive`` seconds (the estimator's ``keep_alive_period_in_seconds``): the backend
    keeps a warm supervisor with the job's built-in imported from this job on, for the next
    jobs this process submits within that period after it (a warm pool).

    Everything that can be checked before the job exists is checked first, and the code
    (``code_archive``, uploaded to ``spec.code_uri``) is written only once the job name is
    taken, so a bad input or a duplicate name leaves the catalog and the store as they were.

    Raises:
        ValidationError, NotFoundError, UnknownInstanceTypeError: bad input.
        ConflictError: a job with this name exists already.
    """
    store = store or Store(settings)
    instance_type(spec.instance_type, settings.price_table)
    for name, channel in spec.channels.items():
        check_channel(store, spec.job_name, name, channel)
    catalog = Catalog.open(settings)
    folder = job_dir(settings, spec.job_name)
    if (code_archive is None) != (spec.code_uri is None):
        raise ValueError("submit() needs code_archive exactly when spec.code_uri is set")
    record = catalog.create_training_job(
        spec.job_name, spec.model_dump(mode="json"), tuning_job_name=spec.tuning_job_name
    )
    if code_archive is not None and spec.code_uri is not None:
        try:
            store.put_file(code_archive, spec.code_uri)
        except Exception as exc:
            catalog.transition(
                spec.job_name,
                "Failed",
                "Failed",
                "Training job failed",
                failure_reason=f"ClientError: cannot upload the code to {spec.code_uri}: {exc}",
            )
            raise
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("done", "logs.txt"):
        (folder / stale).unlink(missing_ok=True)
    (folder / "spec.json").write_text(spec.model_dump_json(indent=2))
    env = {**environ(), **settings_to_env(settings)}
    try:
        preload = (spec.builtin_module,) if spec.builtin_module else ()
        pid = backend_for(settings.backend).launch(
            SUPERVISOR_MODULE, folder, env, preload, keep_alive
        )
    except OSError as exc:
        catalog.transition(
            spec.job_name,
            "Failed",
            "Failed",
            "Training job failed",
            failure_reason=f"InternalServerError: cannot start the supervisor: {exc}",
        )
        raise
    if pid is not None:
        catalog.update_training_job(spec.job_name, supervisor_pid=pid)
        record = dataclasses.replace(record, supervisor_pid=pid)
    return record


def reconcile(catalog: Catalog, record: TrainingJobRecord) -> TrainingJobRecord:
    """Mark a job ``Failed`` when its supervisor died without recording an outcome."""
    if record.is_terminal:
        return record
    import socket

    dead = False
    if record.supervisor_pid is not None and record.supervisor_host in (None, socket.gethostname()):
        dead = not process_alive(record.supervisor_pid, SUPERVISOR_MODULE)
        if dead:
            # Wait out the supervisor's last write (it may have just finished).
            time.sleep(0.05)
            record = catalog.get_training_job(record.name)
            if record.is_terminal:
                return record
    elif record.heartbeat_at is not None:
        dead = time.time() - record.heartbeat_at > STALE_SECONDS
    if not dead:
        return record
    if record.supervisor_pid is not None:
        kill_process_group(record.supervisor_pid)
    catalog.transition(
        record.name,
        "Failed",
        "Failed",
        "Training job failed",
        failure_reason=(
            "InternalServerError: the job's supervisor process "
            f"(pid {record.supervisor_pid}) died without recording an outcome (killed, "
            "out of memory or machine restart). Its programs were stopped; re-run the job."
        ),
    )
    return catalog.get_training_job(record.name, with_history=True)


def describe(settings: Settings, name: str) -> TrainingJobRecord:
    """Return a job with its history, reconciling a dead supervisor first."""
    catalog = Catalog.open(settings)
    record = catalog.get_training_job(name, with_history=True)
    return reconcile(catalog, record)


def stop(settings: Settings, name: str) -> bool:
    """Ask a running job to stop; returns False when it had already ended."""
    catalog = Catalog.open(settings)
    record = reconcile(catalog, catalog.get_training_job(name))
    if record.is_terminal or not catalog.request_stop(name):
        return False
    record = catalog.get_training_job(name)
    signal_stop(record.supervisor_pid, record.heartbeat_at)
    return True


def follow(
    settings: Settings,
    name: str,
    write: Callable[[str], None] | None,
    *,
    timeout: float | None = None,
    poll_seconds: float = 0.02,
) -> TrainingJobRecord:
    """Stream a job's log to ``write`` (None: just wait) until it ends; return the record.

    Raises:
        TimeoutError_: the job did not end within ``timeout`` seconds.
    """
    catalog = Catalog.open(settings)
    follow_folder(
        job_dir(settings, name),
        write,
        ended=lambda: reconcile(catalog, catalog.get_training_job(name)).is_terminal,
        timeout=timeout,
        timeout_message=f"Training job {name!r} did not finish within {timeout} s; it is "
        "still running. Wait again, or stop it with `sabio jobs stop`.",
        poll_seconds=poll_seconds,
    )
    return catalog.get_training_job(name, with_history=True)


def wait(settings: Settings, name: str, timeout: float | None = None) -> TrainingJobRecord:
    """Block until a job ends (without printing its log)."""
    return follow(settings, name, None, timeout=timeout)
