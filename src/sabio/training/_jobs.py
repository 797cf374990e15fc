"""Submitting, describing, stopping and following training jobs (the kernel does the
lifecycle: ``sabio.supervision``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from sabio import supervision
from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.exceptions import ValidationError
from sabio.storage import Store
from sabio.supervision._instances import instance_type
from sabio.training._channels import check_channel
from sabio.training._kind import TRAINING
from sabio.training._layout import HostLayout
from sabio.training._spec import TrainingJobSpec

__all__ = [
    "adopt_warm_pool",
    "describe",
    "follow",
    "job_dir",
    "lend_warm_pool",
    "metrics_file",
    "prepare_warm_pool",
    "stop",
    "submit",
    "wait",
]


def job_dir(settings: Settings, name: str) -> Path:
    """The local folder of a job (logs, hosts' ``/opt/ml`` folders, markers)."""
    return supervision.job_dir(settings, TRAINING, name)


def metrics_file(settings: Settings, job_name: str, host: str = "algo-1") -> Path:
    """The structured metrics file (JSON Lines) a job's program on ``host`` appends to.

    ``sabio.runtime.log_metric`` and the built-ins write one line per value as they go; the
    supervisor copies them into the catalog every couple of seconds and once more before
    the job's final status. Read it for live values sooner than that (the tuner's pruning
    does); a last line may be incomplete while the program runs.
    """
    return HostLayout(job_dir(settings, job_name) / host).metrics_file


def prepare_warm_pool(settings: Settings, builtin_module: str, timeout: float = 15.0) -> bool:
    """Have the backend warm a supervisor for training jobs of ``builtin_module`` now.

    For a caller about to submit many jobs of one built-in (a tuning job): the warm pool
    otherwise starts only at the second job and is used once it is ready, so the first jobs
    pay a cold interpreter and framework import each. Waits up to ``timeout`` seconds;
    returns whether it is ready (False also when the backend keeps no warm pool, and jobs
    then simply start cold).
    """
    backend = supervision.backend_for(settings.backend)
    env = supervision.job_env(settings)
    return backend.prepare_warm(TRAINING, env, (builtin_module,), timeout)


def lend_warm_pool(
    settings: Settings, builtin_module: str, keep_alive: float = 0.0
) -> supervision.WarmHandoff | None:
    """A warm pool for the training jobs of ``builtin_module`` that a process this one is
    about to start will submit (a tuning job's supervisor); None when the backend keeps
    none. Pass it to :func:`sabio.supervision.launch` as ``handoff``, or
    :meth:`~sabio.supervision.WarmHandoff.discard` it when that process is not started.

    With ``keep_alive`` seconds (``keep_alive_period_in_seconds``) this process keeps it as
    its own warm pool once that process is done with it. This module imports nothing heavy,
    so a caller can start it before its own imports.

    Raises:
        OSError: it could not be started.
    """
    backend = supervision.backend_for(settings.backend)
    env = supervision.job_env(settings)
    return backend.lend_warm(TRAINING, env, (builtin_module,), keep_alive)


def adopt_warm_pool(settings: Settings, argument: str) -> bool:
    """Use the warm pool a parent process lent this one (:func:`lend_warm_pool`) for the
    training jobs it submits; :func:`prepare_warm_pool` then waits for it instead of starting
    another. False (and it is let go) when it does not match this process's jobs.

    Raises:
        OSError: the warm pool's descriptors are not open in this process.
    """
    backend = supervision.backend_for(settings.backend)
    return backend.adopt_warm(TRAINING, supervision.job_env(settings), argument)


def submit(
    settings: Settings,
    spec: TrainingJobSpec,
    store: Store | None = None,
    code_archive: Path | None = None,
    keep_alive: float = 0.0,
) -> JobRecord:
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
        ConfigError: the backend is unknown or unavailable.
    """
    supervision.check_backend(settings)
    store = store or Store(settings)
    instance_type(spec.instance_type, settings.price_table)
    for name, channel in spec.channels.items():
        check_channel(store, spec.job_name, name, channel)
    catalog = Catalog.open(settings)
    folder = job_dir(settings, spec.job_name)
    if code_archive is not None and spec.code_uri is None:
        raise ValueError("submit() got a code_archive but the spec has no code_uri")
    if code_archive is None and spec.code_uri is not None and not store.exists(spec.code_uri):
        # Code uploaded ahead (a pipeline's training step) must be there.
        raise ValidationError(
            f"The code of training job {spec.job_name!r} is missing: nothing at "
            f"{spec.code_uri}. Upload the sourcedir.tar.gz there, or pass the script again."
        )
    jobs = catalog.jobs(TRAINING)
    record = jobs.create(
        spec.job_name,
        spec.model_dump(mode="json"),
        status="InProgress",
        secondary_status="Starting",
        message="Launching requested ML instances",
        parent=spec.tuning_job_name,
    )
    if code_archive is not None and spec.code_uri is not None:
        try:
            store.put_file(code_archive, spec.code_uri)
        except Exception as exc:
            jobs.transition(
                spec.job_name,
                "Failed",
                secondary_status="Failed",
                message="Training job failed",
                failure_reason=f"ClientError: cannot upload the code to {spec.code_uri}: {exc}",
            )
            raise
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("done", "logs.txt"):
        (folder / stale).unlink(missing_ok=True)
    (folder / "spec.json").write_text(spec.model_dump_json(indent=2))
    preload = (spec.builtin_module,) if spec.builtin_module else ()
    pid = supervision.launch(
        settings,
        TRAINING,
        spec.job_name,
        preload=preload,
        keep_alive=keep_alive,
        resources=supervision.Resources.of(spec.instance_type, spec.instance_count),
    )
    if pid is not None:
        record = dataclasses.replace(record, supervisor_pid=pid)
    return record


def describe(settings: Settings, name: str) -> JobRecord:
    """Return a job with its history, reconciling a dead supervisor first."""
    return supervision.describe(settings, TRAINING, name)


def stop(settings: Settings, name: str) -> bool:
    """Ask a running job to stop; returns False when it had already ended."""
    return supervision.stop(settings, TRAINING, name)


def follow(
    settings: Settings,
    name: str,
    write: Callable[[str], None] | None,
    *,
    timeout: float | None = None,
) -> JobRecord:
    """Stream a job's log to ``write`` (None: just wait) until it ends; return the record.

    Raises:
        TimeoutError_: the job did not end within ``timeout`` seconds.
    """
    return supervision.follow(settings, TRAINING, name, write, timeout=timeout)


def wait(settings: Settings, name: str, timeout: float | None = None) -> JobRecord:
    """Block until a job ends (without printing its log)."""
    return supervision.wait(settings, TRAINING, name, timeout=timeout)
