"""Steps through the processing and registry engines: Processing and RegisterModel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError as PydanticError

from sabio import _describe
from sabio._config import Settings
from sabio.catalog import Catalog
from sabio.exceptions import ConflictError, SabioError
from sabio.pipelines._context import StepContext, StepFailed, StepOutcome
from sabio.pipelines._jobs_steps import _await, _spec_error, failure_kinds, jsonable

__all__ = ["run_processing", "run_register_model"]


def run_processing(ctx: StepContext, step: str, arguments: dict[str, Any]) -> StepOutcome:
    """A Processing step: CreateProcessingJob through :mod:`sabio.processing_jobs`."""
    from sabio import processing_jobs
    from sabio.processing_jobs import ProcessingJobSpec

    name = ctx.job_name(step)
    try:
        spec = ProcessingJobSpec.from_create_processing_job(
            {**arguments, "ProcessingJobName": name}
        )
        processing_jobs.start_processing_job(ctx.settings, spec)
    except (PydanticError, SabioError) as exc:
        raise _spec_error(step, exc) from None
    arn = f"arn:aws:sagemaker:local:000000000000:processing-job/{name}"
    ctx.record_metadata(step, {"ProcessingJob": {"Arn": arn}})
    ctx.log(f"{step}: processing job {name}")
    record = _await(
        ctx,
        lambda t: processing_jobs.wait(ctx.settings, name, timeout=t),
        lambda: processing_jobs.stop(ctx.settings, name),
        frozenset({"Completed", "Failed", "Stopped"}),
    )
    properties = jsonable(_describe.processing_job(record))
    if record.status == "Failed":
        reason = record.failure_reason or "the processing job failed"
        raise StepFailed(reason, failure_kinds(reason))
    return StepOutcome(properties)


@dataclass
class _Workspace:
    """What the Describe* renderers need of a session, for the engine."""

    settings: Settings
    catalog: Catalog
    boto_region_name: str


def run_register_model(ctx: StepContext, step: str, arguments: dict[str, Any]) -> StepOutcome:
    """A RegisterModel step: CreateModelPackage through :mod:`sabio.registry` (the group
    is created when it does not exist, as SageMaker's pipelines do)."""
    from sabio import registry
    from sabio.registry import ModelPackageSpec

    catalog = Catalog.open(ctx.settings)
    try:
        spec = ModelPackageSpec.from_create_model_package(arguments)
        if not _group_exists(catalog, spec.model_package_group_name):
            try:
                registry.create_model_package_group(ctx.settings, spec.model_package_group_name)
            except ConflictError:
                pass  # a parallel step created it first
        arn = registry.create_model_package(ctx.settings, spec)
    except (PydanticError, SabioError) as exc:
        raise _spec_error(step, exc) from None
    ctx.record_metadata(step, {"RegisterModel": {"Arn": arn}})
    ctx.log(f"{step}: registered {arn}")
    record = registry.describe_model_package(ctx.settings, arn)
    workspace = _Workspace(ctx.settings, catalog, ctx.settings.s3_region)
    return StepOutcome(jsonable(_describe.model_package(record, workspace)))


def _group_exists(catalog: Catalog, name: str) -> bool:
    from sabio.exceptions import NotFoundError

    try:
        catalog.model_packages().group(name)
    except NotFoundError:
        return False
    return True
