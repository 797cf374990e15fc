"""Submitting, describing, stopping and following transform jobs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sabio import supervision
from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord
from sabio.exceptions import ValidationError
from sabio.inference._kind import MODEL
from sabio.storage import Store
from sabio.transform._kind import TRANSFORM
from sabio.transform._reader import list_inputs
from sabio.transform._records import RecordPlan
from sabio.transform._spec import TransformJobSpec

__all__ = ["describe", "follow", "job_dir", "stop", "submit", "wait"]


def job_dir(settings: Settings, name: str) -> Path:
    """The local folder of a transform job (spec, log, model copy, markers)."""
    return supervision.job_dir(settings, TRANSFORM, name)


def submit(settings: Settings, spec: TransformJobSpec, store: Store | None = None) -> JobRecord:
    """Validate a spec, record the job as ``InProgress`` and start its supervisor.

    Everything that can be checked before the job exists is checked first (model, input
    files, filters against the content types), so bad input leaves no record behind.

    Raises:
        ValidationError, NotFoundError: bad input (names what is wrong and how to fix it).
        ConflictError: a transform job with this name exists already.
    """
    supervision.check_backend(settings)
    store = store or Store(settings)
    catalog = Catalog.open(settings)
    catalog.jobs(MODEL).get(spec.model_name)
    if not spec.output_path.startswith(("s3://", "file:///")):
        raise ValidationError(
            f"output_path must be an s3:// URI or an absolute file:// URI, got "
            f"{spec.output_path!r} (transform job {spec.job_name!r}). Example: "
            "s3://my-bucket/predictions or file:///data/predictions."
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
    if spec.output_path.startswith("s3://"):
        store.create_bucket(spec.output_path[len("s3://") :].split("/", 1)[0])
    record = catalog.jobs(TRANSFORM).create(
        spec.job_name, spec.model_dump(mode="json"), status="InProgress"
    )
    folder = job_dir(settings, spec.job_name)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("done", "logs.txt"):
        (folder / stale).unlink(missing_ok=True)
    (folder / "spec.json").write_text(spec.model_dump_json(indent=2))
    resources = supervision.Resources.of(spec.instance_type, spec.instance_count)
    supervision.launch(settings, TRANSFORM, spec.job_name, resources=resources)
    return record


def describe(settings: Settings, name: str) -> JobRecord:
    """Return a job's record, reconciling a dead supervisor first.

    Raises:
        NotFoundError: no such job (with a "Did you mean" hint).
    """
    return supervision.describe(settings, TRANSFORM, name)


def stop(settings: Settings, name: str) -> bool:
    """Ask a running job to stop; returns False when it had already ended."""
    return supervision.stop(settings, TRANSFORM, name)


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
    return supervision.follow(settings, TRANSFORM, name, write, timeout=timeout)


def wait(settings: Settings, name: str, timeout: float | None = None) -> JobRecord:
    """Block until a job ends (without printing its log)."""
    return supervision.wait(settings, TRANSFORM, name, timeout=timeout)
