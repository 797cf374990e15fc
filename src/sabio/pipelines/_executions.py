"""Pipelines and their executions: upsert, start, describe, list, stop, retry, wait."""

from __future__ import annotations

import secrets
import shutil
import string
from typing import Any

from sabio import supervision
from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord, PipelineRecord
from sabio.exceptions import ConflictError, ValidationError
from sabio.pipelines._definition import check_definition, parse_definition
from sabio.pipelines._kind import FINAL_STATUSES, PIPELINE_EXECUTION
from sabio.pipelines._parameters import resolve_parameters
from sabio.pipelines._spec import ExecutionSpec

__all__ = [
    "delete_pipeline",
    "describe_execution",
    "describe_pipeline",
    "list_executions",
    "list_pipelines",
    "retry_execution",
    "start_execution",
    "stop_execution",
    "upsert_pipeline",
    "wait_execution",
]

_ID_ALPHABET = string.ascii_lowercase + string.digits


def upsert_pipeline(
    settings: Settings,
    name: str,
    definition: dict[str, Any] | str,
    *,
    display_name: str | None = None,
    description: str | None = None,
    role_arn: str | None = None,
) -> PipelineRecord:
    """Check a definition and store it under ``name`` (creating or updating the pipeline).

    Raises:
        ValidationError: the definition cannot run (names the step and the problem).
    """
    parsed = parse_definition(definition)
    check_definition(parsed)
    return (
        Catalog.open(settings)
        .pipelines()
        .upsert(
            name,
            parsed.model_dump(mode="json", exclude_none=True),
            display_name=display_name,
            description=description,
            role_arn=role_arn,
        )
    )


def describe_pipeline(settings: Settings, name: str) -> PipelineRecord:
    """A pipeline's record.

    Raises:
        NotFoundError: no such pipeline.
    """
    return Catalog.open(settings).pipelines().get(name)


def list_pipelines(settings: Settings, name_contains: str | None = None) -> list[PipelineRecord]:
    """Every pipeline, newest first."""
    return Catalog.open(settings).pipelines().list(name_contains=name_contains)


def delete_pipeline(settings: Settings, name: str) -> bool:
    """Delete a pipeline's definition (its executions' records stay); False if missing.

    Raises:
        ConflictError: an execution of it is still running.
    """
    catalog = Catalog.open(settings)
    for execution in catalog.jobs(PIPELINE_EXECUTION).list(parent=name, limit=None):
        if execution.status in ("Executing", "Stopping"):
            raise ConflictError(
                f"Pipeline {name!r} has a running execution ({execution.name}): stop it first "
                "(`sabio pipelines stop` or execution.stop())."
            )
    return catalog.pipelines().delete(name)


def start_execution(
    settings: Settings,
    pipeline_name: str,
    parameters: dict[str, Any],
    *,
    trigger: str | None = None,
    display_name: str | None = None,
    description: str | None = None,
) -> str:
    """Start an execution of a stored pipeline; return its id (the job name).

    Parameters are checked against the definition first (unknown names, wrong types), so
    bad input starts nothing. ``trigger`` says what started it (a schedule, an object's
    arrival), recorded with the execution.

    Raises:
        NotFoundError: no such pipeline.
        ValidationError: a bad parameter value.
    """
    catalog = Catalog.open(settings)
    pipeline = catalog.pipelines().get(pipeline_name)
    definition = parse_definition(pipeline.definition)
    values = resolve_parameters(definition, parameters)
    jobs = catalog.jobs(PIPELINE_EXECUTION)
    while True:
        execution_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))
        if not jobs.exists(execution_id):
            break
    spec = ExecutionSpec(
        pipeline_name=pipeline_name,
        execution_id=execution_id,
        definition=pipeline.definition,
        parameters=values,
        display_name=display_name,
        description=description,
        trigger=trigger,
        pipeline_version=pipeline.version,
    )
    jobs.create(
        execution_id,
        spec.model_dump(mode="json"),
        status="Executing",
        parent=pipeline_name,
        details={"Steps": {}},
        message=f"Started{f' by {trigger}' if trigger else ''}",
    )
    _launch(settings, execution_id)
    return execution_id


def _launch(settings: Settings, execution_id: str) -> None:
    folder = supervision.job_dir(settings, PIPELINE_EXECUTION, execution_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "done").unlink(missing_ok=True)
    supervision.launch(settings, PIPELINE_EXECUTION, execution_id)


def describe_execution(settings: Settings, execution_id: str) -> JobRecord:
    """An execution's record (reconciled when its supervisor died).

    Raises:
        NotFoundError: no such execution.
    """
    return supervision.describe(settings, PIPELINE_EXECUTION, execution_id)


def list_executions(settings: Settings, pipeline_name: str, limit: int = 100) -> list[JobRecord]:
    """A pipeline's executions, newest first.

    Raises:
        NotFoundError: no such pipeline and no execution of it.
    """
    catalog = Catalog.open(settings)
    records = catalog.jobs(PIPELINE_EXECUTION).list(parent=pipeline_name, limit=limit)
    if not records:
        catalog.pipelines().get(pipeline_name)
    return [supervision.reconcile(settings, PIPELINE_EXECUTION, r) for r in records]


def stop_execution(settings: Settings, execution_id: str) -> bool:
    """Ask a running execution to stop (its running steps' jobs are stopped); False when it
    had ended."""
    return supervision.stop(settings, PIPELINE_EXECUTION, execution_id)


def retry_execution(settings: Settings, execution_id: str) -> str:
    """Run a failed execution again from its failed steps (SageMaker's
    RetryPipelineExecution): succeeded steps keep their results; the id stays.

    Raises:
        NotFoundError: no such execution.
        ValidationError: the execution did not fail.
    """
    jobs = Catalog.open(settings).jobs(PIPELINE_EXECUTION)
    record = describe_execution(settings, execution_id)
    if record.status != "Failed":
        raise ValidationError(
            f"Pipeline execution {execution_id!r} is {record.status}: only a Failed execution "
            "can be retried. Start a new execution instead."
        )
    steps = record.details.get("Steps") or {}
    kept = {name: s for name, s in steps.items() if s.get("StepStatus") == "Succeeded"}
    jobs.update(
        execution_id,
        details={"Steps": kept},
        failure_reason=None,
        ended_at=None,
        stop_requested=False,
        supervisor_pid=None,
        heartbeat_at=None,
    )
    if not jobs.transition(
        execution_id, "Executing", only_from=("Failed",), message="Retried from failed steps"
    ):
        raise ConflictError(f"Pipeline execution {execution_id!r} changed while retrying it.")
    callbacks = supervision.job_dir(settings, PIPELINE_EXECUTION, execution_id) / "callbacks"
    shutil.rmtree(callbacks, ignore_errors=True)
    _launch(settings, execution_id)
    return execution_id


def wait_execution(
    settings: Settings, execution_id: str, timeout: float | None = None
) -> JobRecord:
    """Block until an execution ends (Succeeded, Failed or Stopped).

    Raises:
        TimeoutError_: not within ``timeout`` seconds.
    """
    return supervision.wait(
        settings,
        PIPELINE_EXECUTION,
        execution_id,
        until=lambda r: r.status in FINAL_STATUSES,
        timeout=timeout,
    )
