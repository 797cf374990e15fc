"""Starting, describing, stopping and following processing jobs (the kernel does the
lifecycle: ``sabio.supervision``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sabio import supervision
from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.processing_jobs._io import check_input
from sabio.processing_jobs._kind import PROCESSING
from sabio.processing_jobs._spec import ProcessingJobSpec
from sabio.storage import Store
from sabio.supervision._instances import instance_type

__all__ = [
    "check_processing_job",
    "describe",
    "follow",
    "job_dir",
    "start_processing_job",
    "stop",
    "wait",
]


def job_dir(settings: Settings, name: str) -> Path:
    """The local folder of a processing job (spec, log, the hosts' ``/opt/ml`` folders)."""
    return supervision.job_dir(settings, PROCESSING, name)


def check_processing_job(settings: Settings, spec: ProcessingJobSpec) -> None:
    """The checks that need neither the inputs nor the catalog: the spec's rules and its
    instance type (the SDK runs them before it uploads anything).

    Raises:
        ValidationError, UnknownInstanceTypeError: bad input.
    """
    spec.check()
    instance_type(spec.instance_type, settings.price_table)


def start_processing_job(settings: Settings, spec: ProcessingJobSpec) -> str:
    """Validate a spec, record the job as ``InProgress`` and start its supervisor; return
    the job's name.

    Everything that can be checked before the job exists is checked first (the spec's
    rules, the instance type, every input), so bad input leaves no record behind.

    Example:
        >>> from sabio._config import load_settings
        >>> request = {"ProcessingJobName": "prep-1", "AppSpecification": {
        ...     "ImageUri": "sabio/script", "ContainerEntrypoint": ["python3", "-c", "1"]}}
        >>> spec = ProcessingJobSpec.from_create_processing_job(request)
        >>> start_processing_job(load_settings(), spec)  # doctest: +SKIP
        'prep-1'

    Raises:
        ValidationError, NotFoundError, UnknownInstanceTypeError: bad input.
        ConflictError: a processing job with this name exists already.
    """
    check_processing_job(settings, spec)
    store = Store(settings)
    for item in spec.inputs:
        check_input(store, spec.job_name, item)
    for output in spec.outputs:
        if output.uri.startswith("s3://"):
            store.create_bucket(output.uri[len("s3://") :].split("/", 1)[0])
    Catalog.open(settings).jobs(PROCESSING).create(
        spec.job_name,
        spec.model_dump(mode="json"),
        status="InProgress",
        message="Starting the processing job",
    )
    folder = job_dir(settings, spec.job_name)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("done", "logs.txt"):
        (folder / stale).unlink(missing_ok=True)
    (folder / "spec.json").write_text(spec.model_dump_json(indent=2))
    supervision.launch(settings, PROCESSING, spec.job_name)
    return spec.job_name


def describe(settings: Settings, name: str) -> JobRecord:
    """A job's record with its status history, reconciling a dead supervisor first.

    Raises:
        NotFoundError: no such job (with a "Did you mean" hint).
    """
    return supervision.describe(settings, PROCESSING, name)


def stop(settings: Settings, name: str) -> bool:
    """Ask a running job to stop; returns False when it had already ended."""
    return supervision.stop(settings, PROCESSING, name)


def follow(
    settings: Settings,
    name: str,
    write: Callable[[str], None] | None,
    *,
    timeout: float | None = None,
) -> JobRecord:
    """Stream a job's log to ``write`` (None: just wait) until it ends; return the record.

    Raises:
        NotFoundError: no such job.
        TimeoutError_: the job did not end within ``timeout`` seconds.
    """
    return supervision.follow(settings, PROCESSING, name, write, timeout=timeout)


def wait(settings: Settings, name: str, timeout: float | None = None) -> JobRecord:
    """Block until a job ends (without printing its log)."""
    return supervision.wait(settings, PROCESSING, name, timeout=timeout)
