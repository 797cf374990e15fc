"""Steps that run a job through its engine: Training, Tuning, Transform, Model.

Each builds the engine's typed spec from the step's (resolved) SageMaker request, submits
it, waits for it (stopping it when the execution stops) and returns its Describe* response
as the step's properties.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError

from sabio import _describe
from sabio.catalog import Catalog, JobRecord
from sabio.exceptions import SabioError, TimeoutError_
from sabio.pipelines._context import StepContext, StepFailed, StepOutcome, StepStopped

__all__ = ["jsonable", "run_model", "run_training", "run_transform", "run_tuning"]

_ARN = "arn:aws:sagemaker:local:000000000000"


def jsonable(value: Any) -> Any:
    """A Describe* response as JSON values (times as ISO 8601 text)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()))


def failure_kinds(reason: str) -> frozenset[str]:
    """The retry-policy failure types a job failure reason falls under: an internal error
    (a dead supervisor, a crash outside the user's code) is SageMaker's
    ``JOB_INTERNAL_ERROR`` and a service fault; a user error matches none."""
    if reason.startswith("InternalServerError"):
        return frozenset({"SageMaker.JOB_INTERNAL_ERROR", "Step.SERVICE_FAULT"})
    if reason.startswith("CapacityError"):
        return frozenset({"SageMaker.CAPACITY_ERROR"})
    return frozenset()


def _spec_error(step: str, exc: PydanticError | SabioError) -> StepFailed:
    if isinstance(exc, PydanticError):
        text = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg']}" for e in exc.errors()
        )
    else:
        text = str(exc)
    return StepFailed(f"ClientError: step {step!r}: {text}")


def _await(
    ctx: StepContext,
    wait: Callable[[float], JobRecord],
    stop: Callable[[], Any],
    final: frozenset[str],
) -> JobRecord:
    """Wait for a job, stopping it (and raising StepStopped) when the execution stops."""
    stopped = False
    while True:
        try:
            record = wait(1.0)
        except TimeoutError_:
            if ctx.stopping.is_set() and not stopped:
                stop()
                stopped = True
            continue
        if record.status in final:
            if stopped or record.status == "Stopped":
                raise StepStopped(record.failure_reason or "stopped")
            return record


def run_training(ctx: StepContext, step: str, arguments: dict[str, Any]) -> StepOutcome:
    """A Training step: CreateTrainingJob through :mod:`sabio.training`."""
    from sabio import training
    from sabio.training import TRAINING, TrainingJobSpec

    name = ctx.job_name(step)
    try:
        spec = TrainingJobSpec.from_create_training_job({**arguments, "TrainingJobName": name})
        training.submit(ctx.settings, spec, ctx.store)
    except (PydanticError, SabioError) as exc:
        raise _spec_error(step, exc) from None
    ctx.record_metadata(step, {"TrainingJob": {"Arn": f"{_ARN}:training-job/{name}"}})
    ctx.log(f"{step}: training job {name}")
    record = _await(
        ctx,
        lambda t: training.wait(ctx.settings, name, timeout=t),
        lambda: training.stop(ctx.settings, name),
        frozenset({"Completed", "Failed", "Stopped"}),
    )
    metrics = Catalog.open(ctx.settings).jobs(TRAINING).final_metrics(name)
    properties = jsonable(_describe.training_job(record, metrics))
    if record.status == "Failed":
        reason = record.failure_reason or "the training job failed"
        raise StepFailed(reason, failure_kinds(reason))
    return StepOutcome(properties)


def run_tuning(ctx: StepContext, step: str, arguments: dict[str, Any]) -> StepOutcome:
    """A Tuning step: CreateHyperParameterTuningJob through :mod:`sabio.tuning`; its
    properties add ``TrainingJobSummaries``, best trial first."""
    from sabio import tuning
    from sabio.tuning import TuningJobSpec

    name = ctx.job_name(step, max_length=32)
    with tempfile.TemporaryDirectory(prefix="sabio-pipeline-") as tmp:
        try:
            spec = TuningJobSpec.from_create_hyper_parameter_tuning_job(
                {**arguments, "HyperParameterTuningJobName": name}
            )
            archive = None
            code_uri = spec.TrainingJobDefinition.get("code_uri")
            if code_uri:
                archive = ctx.store.get_file(code_uri, Path(tmp) / "sourcedir.tar.gz")
                definition = {k: v for k, v in spec.TrainingJobDefinition.items()}
                definition.pop("code_uri")
                spec = spec.model_copy(update={"TrainingJobDefinition": definition})
            tuning.submit(ctx.settings, spec, ctx.store, code_archive=archive)
        except (PydanticError, SabioError) as exc:
            raise _spec_error(step, exc) from None
    ctx.record_metadata(step, {"TuningJob": {"Arn": f"{_ARN}:hyper-parameter-tuning-job/{name}"}})
    ctx.log(f"{step}: tuning job {name}")
    record = _await(
        ctx,
        lambda t: tuning.wait(ctx.settings, name, timeout=t),
        lambda: tuning.stop(ctx.settings, name),
        frozenset({"Completed", "Failed", "Stopped"}),
    )
    trials = {t.name: t for t in tuning.trials(ctx.settings, name)}
    properties = jsonable(_describe.tuning_job(record, trials))
    properties["TrainingJobSummaries"] = _summaries(ctx, record, trials)
    if record.status == "Failed":
        reason = record.failure_reason or "the tuning job failed"
        raise StepFailed(reason, failure_kinds(reason))
    return StepOutcome(properties)


def _summaries(
    ctx: StepContext, record: JobRecord, trials: dict[str, JobRecord]
) -> list[dict[str, Any]]:
    """The completed trials' summaries, best objective first (SageMaker's
    ``TrainingJobSummaries``, which ``get_top_model_s3_uri`` indexes)."""
    from sabio.training import TRAINING

    objective = record.spec["HyperParameterTuningJobConfig"]["HyperParameterTuningJobObjective"]
    metric, maximize = objective["MetricName"], objective["Type"] == "Maximize"
    jobs = Catalog.open(ctx.settings).jobs(TRAINING)
    scored = []
    for trial in trials.values():
        value = jobs.final_metrics(trial.name).get(metric)
        if trial.status == "Completed" and value is not None and value == value:
            scored.append((value, trial))
    scored.sort(key=lambda pair: pair[0], reverse=maximize)
    return [
        {
            "TrainingJobName": trial.name,
            "TrainingJobArn": f"{_ARN}:training-job/{trial.name}",
            "TrainingJobStatus": trial.status,
            "TunedHyperParameters": {
                k: v if isinstance(v, str) else json.dumps(v)
                for k, v in (trial.spec.get("hyperparameters") or {}).items()
            },
            "FinalHyperParameterTuningJobObjectiveMetric": {
                "Type": objective["Type"],
                "MetricName": metric,
                "Value": value,
            },
        }
        for value, trial in scored
    ]


def run_transform(ctx: StepContext, step: str, arguments: dict[str, Any]) -> StepOutcome:
    """A Transform step: CreateTransformJob through :mod:`sabio.transform`."""
    from sabio import transform
    from sabio.transform import TransformJobSpec

    name = ctx.job_name(step)
    try:
        spec = TransformJobSpec.from_create_transform_job({**arguments, "TransformJobName": name})
        transform.submit(ctx.settings, spec, ctx.store)
    except (PydanticError, SabioError) as exc:
        raise _spec_error(step, exc) from None
    ctx.record_metadata(step, {"TransformJob": {"Arn": f"{_ARN}:transform-job/{name}"}})
    ctx.log(f"{step}: transform job {name}")
    record = _await(
        ctx,
        lambda t: transform.wait(ctx.settings, name, timeout=t),
        lambda: transform.stop(ctx.settings, name),
        frozenset({"Completed", "Failed", "Stopped"}),
    )
    properties = jsonable(_describe.transform_job(record))
    if record.status == "Failed":
        reason = record.failure_reason or "the transform job failed"
        raise StepFailed(reason, failure_kinds(reason))
    return StepOutcome(properties)


def run_model(ctx: StepContext, step: str, arguments: dict[str, Any]) -> StepOutcome:
    """A Model step: CreateModel through :mod:`sabio.serving` (it runs no job)."""
    from sabio.inference import MODEL, ModelSpec
    from sabio.serving import create_model

    name = ctx.job_name(step)
    try:
        spec = ModelSpec.from_create_model({**arguments, "ModelName": name})
        create_model(ctx.settings, name, spec)
    except (PydanticError, SabioError) as exc:
        raise _spec_error(step, exc) from None
    record = Catalog.open(ctx.settings).jobs(MODEL).get(name)
    ctx.record_metadata(step, {"Model": {"Arn": f"{_ARN}:model/{name}"}})
    ctx.log(f"{step}: model {name}")
    return StepOutcome(jsonable(_describe.model(record)))
