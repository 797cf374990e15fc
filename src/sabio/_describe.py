"""Catalog records rendered in SageMaker's Describe* shapes: the one place, at the SDK edge.

The renderers (:func:`training_job`, :func:`transform_job`, :func:`tuning_job`,
:func:`endpoint`) are plain functions of a record's public attributes (``name``, ``status``,
``spec``, ``details``, timestamps, ``failure_reason`` …) plus what else the shape shows,
passed in. The ``describe_*`` functions fetch a record by name and render it; the SDK objects
and the CLI both call them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Protocol

from sabio._config import Settings
from sabio.catalog import (
    Catalog,
    JobRecord,
    ModelPackageGroupRecord,
    ModelPackageRecord,
    PipelineRecord,
)
from sabio.serving._spec import EndpointSpec
from sabio.training._kind import TRAINING


class Session(Protocol):
    """What the ``describe_*`` functions need of a session (``sabio.Session`` has it); a
    protocol, so the pipelines engine below the SDK can render Describe* shapes too."""

    @property
    def settings(self) -> Settings: ...

    @property
    def catalog(self) -> Catalog: ...

    @property
    def boto_region_name(self) -> str: ...


__all__ = [
    "describe_endpoint",
    "describe_model_package",
    "describe_model_package_group",
    "describe_monitoring_job",
    "describe_monitoring_schedule",
    "describe_processing_job",
    "describe_training_job",
    "describe_transform_job",
    "describe_tuning_job",
    "endpoint",
    "list_model_package_groups",
    "list_model_packages",
    "model",
    "model_package",
    "model_package_group",
    "model_package_summary",
    "pipeline",
    "pipeline_execution",
    "pipeline_execution_steps",
    "processing_job",
    "training_job",
    "transform_job",
    "tuning_job",
]

_ARN = "arn:aws:sagemaker:local:000000000000"


def _time(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.UTC)


def _encode(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# ------------------------------------------------------------------ fetch and render
def describe_training_job(session: Session, name: str) -> dict[str, Any]:
    """DescribeTrainingJob of the job ``name``.

    Raises:
        NotFoundError: no such job (with a "Did you mean" hint).
    """
    from sabio.training import describe

    record = describe(session.settings, name)
    return training_job(record, session.catalog.jobs(TRAINING).final_metrics(record.name))


def describe_transform_job(session: Session, name: str) -> dict[str, Any]:
    """DescribeTransformJob of the job ``name``.

    Raises:
        NotFoundError: no such job (with a "Did you mean" hint).
    """
    from sabio.transform import describe

    return transform_job(describe(session.settings, name))


def describe_tuning_job(session: Session, name: str) -> dict[str, Any]:
    """DescribeHyperParameterTuningJob of the tuning job ``name``.

    Raises:
        NotFoundError: no such tuning job (with a "Did you mean" hint).
    """
    from sabio import tuning
    from sabio.exceptions import NotFoundError

    record = tuning.describe(session.settings, name)
    trials: dict[str, JobRecord] = {}
    for key in ("BestTrainingJob", "OverallBestTrainingJob"):
        best = record.details.get(key) or {}
        job = best.get("TrainingJobName")
        if job and job not in trials:
            try:
                trials[job] = session.catalog.jobs(TRAINING).get(job)
            except NotFoundError:
                pass
    return tuning_job(record, trials)


def describe_processing_job(session: Session, name: str) -> dict[str, Any]:
    """DescribeProcessingJob of the job ``name``.

    Raises:
        NotFoundError: no such job (with a "Did you mean" hint).
    """
    from sabio.processing_jobs import describe

    return processing_job(describe(session.settings, name))


def describe_endpoint(session: Session, name: str) -> dict[str, Any]:
    """DescribeEndpoint of the endpoint ``name``, plus its local ``Url``.

    Raises:
        NotFoundError: no such endpoint (with a "Did you mean" hint).
    """
    from sabio.serving import describe_endpoint as describe

    return endpoint(describe(session.settings, name), session.boto_region_name)


# ------------------------------------------------------------------------- renderers
def training_job(record: JobRecord, final_metrics: Mapping[str, float]) -> dict[str, Any]:
    """DescribeTrainingJob of a training job record, plus sabio's ``ResourceUsage``.

    ``final_metrics`` are the job's last value of each metric (``FinalMetricDataList``).
    """
    spec = record.spec
    transitions = []
    history = list(record.history)
    for index, event in enumerate(history):
        end = history[index + 1].timestamp if index + 1 < len(history) else None
        transitions.append(
            {
                "Status": event.secondary_status,
                "StartTime": _time(event.timestamp),
                "EndTime": _time(end if end is not None else record.ended_at),
                "StatusMessage": event.message or "",
            }
        )
    training_seconds = None
    if record.started_at is not None and record.ended_at is not None:
        training_seconds = round(record.ended_at - record.started_at)
    description: dict[str, Any] = {
        "TrainingJobName": record.name,
        "TrainingJobArn": f"{_ARN}:training-job/{record.name}",
        "TrainingJobStatus": record.status,
        "SecondaryStatus": record.secondary_status,
        "HyperParameters": {k: _encode(v) for k, v in spec.get("hyperparameters", {}).items()},
        "AlgorithmSpecification": {
            "TrainingImage": spec.get("image_uri") or "sabio/script-mode",
            "TrainingInputMode": "File",
            "MetricDefinitions": spec.get("metric_definitions", []),
        },
        "RoleArn": "arn:aws:iam::000000000000:role/sabio-local-execution-role",
        "InputDataConfig": [
            {
                "ChannelName": name,
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": channel["uri"],
                        "S3DataDistributionType": channel["distribution"],
                    }
                },
                **({"ContentType": channel["content_type"]} if channel.get("content_type") else {}),
            }
            for name, channel in spec.get("channels", {}).items()
        ],
        "OutputDataConfig": {"S3OutputPath": spec.get("output_path")},
        "ResourceConfig": {
            "InstanceType": spec.get("instance_type"),
            "InstanceCount": spec.get("instance_count", 1),
            "VolumeSizeInGB": 30,
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": spec.get("max_run")},
        "EnableManagedSpotTraining": bool(spec.get("use_spot")),
        "CreationTime": _time(record.created_at),
        "TrainingStartTime": _time(record.started_at),
        "TrainingEndTime": _time(record.ended_at),
        "LastModifiedTime": _time(record.last_modified),
        "SecondaryStatusTransitions": transitions,
        "FinalMetricDataList": [
            {"MetricName": name, "Value": value, "Timestamp": _time(record.ended_at)}
            for name, value in sorted(final_metrics.items())
        ],
        "ResourceUsage": {
            "WallSeconds": record.wall_seconds,
            "BillableSeconds": record.billable_seconds,
            "CpuSeconds": record.cpu_seconds,
            "PeakRssBytes": record.peak_rss_bytes,
            "EstimatedCloudCostUSD": record.estimated_cost_usd,
        },
    }
    if spec.get("max_wait"):
        description["StoppingCondition"]["MaxWaitTimeInSeconds"] = spec["max_wait"]
    if spec.get("checkpoint_uri"):
        description["CheckpointConfig"] = {
            "S3Uri": spec["checkpoint_uri"],
            "LocalPath": spec.get("checkpoint_local_path") or "/opt/ml/checkpoints",
        }
    if spec.get("use_spot"):
        description["Interruptions"] = int((record.details or {}).get("Interruptions", 0))
    if record.failure_reason:
        description["FailureReason"] = record.failure_reason
    if record.model_artifacts:
        description["ModelArtifacts"] = {"S3ModelArtifacts": record.model_artifacts}
    if record.output_data:
        description["OutputDataUri"] = record.output_data
    if training_seconds is not None:
        description["TrainingTimeInSeconds"] = training_seconds
        description["BillableTimeInSeconds"] = round(record.billable_seconds or 0)
    if record.parent:
        description["TuningJobArn"] = f"{_ARN}:hyper-parameter-tuning-job/{record.parent}"
    return description


def transform_job(record: JobRecord) -> dict[str, Any]:
    """DescribeTransformJob of a transform job record, plus sabio's ``TransformProgress``."""
    spec = record.spec
    description: dict[str, Any] = {
        "TransformJobName": record.name,
        "TransformJobArn": f"{_ARN}:transform-job/{record.name}",
        "TransformJobStatus": record.status,
        "ModelName": spec.get("model_name"),
        "MaxConcurrentTransforms": spec.get("max_concurrent_transforms", 1),
        "MaxPayloadInMB": spec.get("max_payload", 6),
        "BatchStrategy": spec.get("strategy", "MultiRecord"),
        "Environment": spec.get("environment", {}),
        "TransformInput": {
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": spec.get("data_type", "S3Prefix"),
                    "S3Uri": spec.get("data"),
                }
            },
            "CompressionType": spec.get("compression_type", "None"),
            "SplitType": spec.get("split_type", "None"),
        },
        "TransformOutput": {
            "S3OutputPath": spec.get("output_path"),
            "AssembleWith": spec.get("assemble_with", "None"),
        },
        "TransformResources": {
            "InstanceType": spec.get("instance_type", "local"),
            "InstanceCount": spec.get("instance_count", 1),
        },
        "CreationTime": _time(record.created_at),
        "TransformStartTime": _time(record.started_at),
        "TransformEndTime": _time(record.ended_at),
        "LastModifiedTime": _time(record.last_modified),
        "DataProcessing": {
            "InputFilter": spec.get("input_filter") or "$",
            "OutputFilter": spec.get("output_filter") or "$",
            "JoinSource": spec.get("join_source", "None"),
        },
        "TransformProgress": dict(record.details),
    }
    if spec.get("content_type"):
        description["TransformInput"]["ContentType"] = spec["content_type"]
    if spec.get("accept"):
        description["TransformOutput"]["Accept"] = spec["accept"]
    if record.failure_reason:
        description["FailureReason"] = record.failure_reason
    if spec.get("tags"):
        description["Tags"] = spec["tags"]
    return description


def tuning_job(record: JobRecord, trials: Mapping[str, JobRecord]) -> dict[str, Any]:
    """DescribeHyperParameterTuningJob of a tuning job record.

    ``trials`` maps training job names to their records (at least the best trials'), for the
    best trials' times; a trial missing from it is rendered without them.
    """
    spec, details = record.spec, record.details
    description: dict[str, Any] = {
        "HyperParameterTuningJobName": record.name,
        "HyperParameterTuningJobArn": f"{_ARN}:hyper-parameter-tuning-job/{record.name}",
        "HyperParameterTuningJobConfig": spec["HyperParameterTuningJobConfig"],
        "TrainingJobDefinition": _definition(spec["TrainingJobDefinition"]),
        "HyperParameterTuningJobStatus": record.status,
        "CreationTime": _time(record.created_at),
        "HyperParameterTuningEndTime": _time(record.ended_at),
        "LastModifiedTime": _time(record.last_modified),
        "TrainingJobStatusCounters": details.get("TrainingJobStatusCounters", {}),
        "ObjectiveStatusCounters": details.get("ObjectiveStatusCounters", {}),
    }
    best = details.get("BestTrainingJob")
    if best:
        description["BestTrainingJob"] = _with_times(best, trials)
    if details.get("OverallBestTrainingJob"):
        description["OverallBestTrainingJob"] = _with_times(
            details["OverallBestTrainingJob"], trials
        )
    if spec.get("WarmStartConfig"):
        description["WarmStartConfig"] = spec["WarmStartConfig"]
    if record.failure_reason:
        description["FailureReason"] = record.failure_reason
    if details.get("TuningJobCompletionReason"):
        description["TuningJobCompletionDetails"] = {
            "NumberOfTrainingJobsObjectiveNotImproving": None,
            "CompletionReason": details["TuningJobCompletionReason"],
        }
    return description


def _definition(definition: dict[str, Any]) -> dict[str, Any]:
    return {
        "StaticHyperParameters": {
            k: v if isinstance(v, str) else repr(v)
            for k, v in (definition.get("hyperparameters") or {}).items()
        },
        "AlgorithmSpecification": {
            "TrainingImage": definition.get("image_uri") or "sabio/script-mode",
            "TrainingInputMode": "File",
            "MetricDefinitions": definition.get("metric_definitions") or [],
        },
        "InputDataConfig": [
            {"ChannelName": name, "DataSource": {"S3DataSource": {"S3Uri": channel["uri"]}}}
            for name, channel in (definition.get("channels") or {}).items()
        ],
        "OutputDataConfig": {"S3OutputPath": definition.get("output_path")},
        "ResourceConfig": {
            "InstanceType": definition.get("instance_type"),
            "InstanceCount": definition.get("instance_count", 1),
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": definition.get("max_run")},
    }


def _with_times(best: dict[str, Any], trials: Mapping[str, JobRecord]) -> dict[str, Any]:
    job = trials.get(best["TrainingJobName"])
    if job is None:
        return dict(best)
    return {
        **best,
        "CreationTime": _time(job.created_at),
        "TrainingStartTime": _time(job.started_at),
        "TrainingEndTime": _time(job.ended_at),
    }


def processing_job(record: JobRecord) -> dict[str, Any]:
    """DescribeProcessingJob of a processing job record: the CreateProcessingJob request it
    ran, its status, times, ``ExitMessage`` and ``FailureReason``, plus sabio's
    ``ProcessingOutputCounts`` (files uploaded per output)."""
    from sabio.processing_jobs import ProcessingJobSpec

    spec = ProcessingJobSpec.model_validate(record.spec)
    request = spec.to_create_processing_job()
    description: dict[str, Any] = {
        "ProcessingJobName": record.name,
        "ProcessingJobArn": f"{_ARN}:processing-job/{record.name}",
        "ProcessingInputs": request["ProcessingInputs"],
        "ProcessingResources": request["ProcessingResources"],
        "StoppingCondition": request["StoppingCondition"],
        "AppSpecification": request["AppSpecification"],
        "Environment": request["Environment"],
        "RoleArn": request["RoleArn"],
        "ProcessingJobStatus": record.status,
        "CreationTime": _time(record.created_at),
        "ProcessingStartTime": _time(record.started_at),
        "ProcessingEndTime": _time(record.ended_at),
        "LastModifiedTime": _time(record.last_modified),
    }
    if "ProcessingOutputConfig" in request:
        description["ProcessingOutputConfig"] = request["ProcessingOutputConfig"]
    if "ExperimentConfig" in request:
        description["ExperimentConfig"] = request["ExperimentConfig"]
    if record.details.get("ExitMessage"):
        description["ExitMessage"] = record.details["ExitMessage"]
    if record.failure_reason:
        description["FailureReason"] = record.failure_reason
    if record.details.get("Outputs"):
        description["ProcessingOutputCounts"] = dict(record.details["Outputs"])
    if spec.tags:
        description["Tags"] = list(spec.tags)
    return description


def endpoint(record: JobRecord, region: str) -> dict[str, Any]:
    """DescribeEndpoint of an endpoint record (its ARN in ``region``), plus its local ``Url``."""
    spec, details = EndpointSpec.model_validate(record.spec), record.details
    count = len(details.get("Workers", [])) or spec.instance_count
    variant = {
        "VariantName": spec.variant_name,
        "DeployedImages": [{"SpecifiedImage": f"sabio/model:{details.get('ModelName')}"}],
        "CurrentWeight": 1.0,
        "DesiredWeight": 1.0,
        "CurrentInstanceCount": count if record.status == "InService" else 0,
        "DesiredInstanceCount": spec.instance_count,
        "InstanceType": spec.instance_type,
    }
    description: dict[str, Any] = {
        "EndpointName": record.name,
        "EndpointArn": (f"arn:aws:sagemaker:{region}:000000000000:endpoint/{record.name}"),
        "EndpointConfigName": record.name,
        "ProductionVariants": [variant],
        "EndpointStatus": record.status,
        "CreationTime": _time(record.created_at),
        "LastModifiedTime": _time(record.last_modified),
        "ModelName": details.get("ModelName") or spec.model_name,
        "Url": details.get("Url"),
    }
    capture = spec.data_capture_config
    if capture:
        description["DataCaptureConfig"] = {
            "EnableCapture": capture.get("EnableCapture", True),
            "CurrentSamplingPercentage": capture.get("InitialSamplingPercentage", 100),
            "DestinationS3Uri": capture.get("DestinationS3Uri"),
            "CaptureStatus": "Started",
        }
        counts = details.get("DataCapture")
        if isinstance(counts, dict):  # sabio's own keys: what capture wrote and lost
            description["DataCaptureConfig"]["CapturedRecordCount"] = counts.get("written", 0)
            description["DataCaptureConfig"]["DroppedRecordCount"] = counts.get("dropped", 0)
    if record.failure_reason:
        description["FailureReason"] = record.failure_reason
    return description


def model(record: JobRecord) -> dict[str, Any]:
    """DescribeModel of a model record."""
    spec = record.spec
    environment = dict(spec.get("environment") or {})
    if spec.get("entry_point"):
        environment["SAGEMAKER_PROGRAM"] = spec["entry_point"]
    if spec.get("source_dir"):
        environment["SAGEMAKER_SUBMIT_DIRECTORY"] = spec["source_dir"]
    return {
        "ModelName": record.name,
        "ModelArn": f"{_ARN}:model/{record.name}",
        "PrimaryContainer": {
            "Image": spec.get("image"),
            "ModelDataUrl": spec.get("model_data_url"),
            "Environment": environment,
        },
        "CreationTime": _time(record.created_at),
    }


def pipeline(record: PipelineRecord) -> dict[str, Any]:
    """DescribePipeline of a pipeline record."""
    return {
        "PipelineArn": f"{_ARN}:pipeline/{record.name.lower()}",
        "PipelineName": record.name,
        "PipelineDisplayName": record.display_name or record.name,
        "PipelineDefinition": json.dumps(record.definition),
        "PipelineDescription": record.description,
        "RoleArn": record.role_arn,
        "PipelineStatus": "Active",
        "PipelineVersionId": record.version,
        "CreationTime": _time(record.created_at),
        "LastModifiedTime": _time(record.last_modified),
    }


def _execution_arn(record: JobRecord) -> str:
    return f"{_ARN}:pipeline/{str(record.parent or '').lower()}/execution/{record.name}"


def pipeline_execution(record: JobRecord) -> dict[str, Any]:
    """DescribePipelineExecution of an execution record (plus its ``PipelineParameters``)."""
    spec = record.spec
    description: dict[str, Any] = {
        "PipelineArn": f"{_ARN}:pipeline/{str(record.parent or '').lower()}",
        "PipelineExecutionArn": _execution_arn(record),
        "PipelineExecutionDisplayName": spec.get("display_name") or record.name,
        "PipelineExecutionStatus": record.status,
        "PipelineExecutionDescription": spec.get("description"),
        "PipelineParameters": [
            {"Name": k, "Value": _encode(v) if not isinstance(v, bool) else str(v).lower()}
            for k, v in (spec.get("parameters") or {}).items()
        ],
        "CreationTime": _time(record.created_at),
        "LastModifiedTime": _time(record.last_modified),
        "PipelineVersionId": spec.get("pipeline_version"),
    }
    if spec.get("trigger"):
        description["Trigger"] = spec["trigger"]
    if record.failure_reason:
        description["FailureReason"] = record.failure_reason
    return description


def pipeline_execution_steps(record: JobRecord) -> list[dict[str, Any]]:
    """ListPipelineExecutionSteps of an execution record: newest started first."""
    steps = []
    for state in (record.details.get("Steps") or {}).values():
        step: dict[str, Any] = {
            "StepName": state["StepName"],
            "StepDisplayName": state.get("StepDisplayName"),
            "StepDescription": state.get("StepDescription"),
            "StartTime": _time(state.get("StartTime")),
            "EndTime": _time(state.get("EndTime")),
            "StepStatus": state.get("StepStatus"),
            "AttemptCount": state.get("AttemptCount", 0),
            "Metadata": state.get("Metadata") or {},
        }
        if state.get("CacheHitResult"):
            step["CacheHitResult"] = state["CacheHitResult"]
        if state.get("FailureReason"):
            step["FailureReason"] = state["FailureReason"]
        steps.append(step)
    steps.sort(key=lambda s: s["StartTime"] or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    return steps


# ------------------------------------------------------------------ model registry
def describe_model_package(session: Session, name: str) -> dict[str, Any]:
    """DescribeModelPackage of a version (its ARN or ``group/version``), plus its ``Lineage``.

    Raises:
        ValidationError: ``name`` is neither form.
        NotFoundError: no such group or version.
    """
    from sabio import registry

    return model_package(registry.describe_model_package(session.settings, name), session)


def describe_model_package_group(session: Session, name: str) -> dict[str, Any]:
    """DescribeModelPackageGroup of the group ``name``.

    Raises:
        NotFoundError: no such group (with a "Did you mean" hint).
    """
    return model_package_group(session.catalog.model_packages().group(name), session)


def list_model_package_groups(
    session: Session, name_contains: str | None = None, max_results: int | None = 100
) -> dict[str, Any]:
    """ListModelPackageGroups, newest first."""
    groups = session.catalog.model_packages().groups(name_contains=name_contains, limit=max_results)
    return {
        "ModelPackageGroupSummaryList": [
            {
                key: value
                for key, value in model_package_group(group, session).items()
                if key != "CreatedBy"
            }
            for group in groups
        ]
    }


def list_model_packages(
    session: Session,
    model_package_group_name: str | None = None,
    model_approval_status: str | None = None,
    sort_order: str = "Descending",
    max_results: int | None = 100,
) -> dict[str, Any]:
    """ListModelPackages (of one group, or all), by creation time.

    Raises:
        NotFoundError: the group does not exist.
        ValidationError: a bad approval status or sort order.
    """
    from sabio.exceptions import ValidationError
    from sabio.registry import check_approval_status

    if sort_order not in ("Ascending", "Descending"):
        raise ValidationError(
            f"sort_order must be 'Ascending' or 'Descending', got {sort_order!r}."
        )
    if model_approval_status is not None:
        check_approval_status(model_approval_status)
    packages = session.catalog.model_packages()
    if model_package_group_name is not None:
        packages.group(model_package_group_name)
    records = packages.list(
        model_package_group_name,
        approval_status=model_approval_status,
        descending=sort_order == "Descending",
        limit=max_results,
    )
    return {"ModelPackageSummaryList": [model_package_summary(r, session) for r in records]}


def model_package_group(record: ModelPackageGroupRecord, session: Session) -> dict[str, Any]:
    """DescribeModelPackageGroup of a group record."""
    from sabio.registry import group_arn

    description: dict[str, Any] = {
        "ModelPackageGroupName": record.name,
        "ModelPackageGroupArn": group_arn(session.settings, record.name),
        "CreationTime": _time(record.created_at),
        "CreatedBy": {"UserProfileName": record.created_by},
        "ModelPackageGroupStatus": "Completed",
    }
    if record.description:
        description["ModelPackageGroupDescription"] = record.description
    return description


def model_package_summary(record: ModelPackageRecord, session: Session) -> dict[str, Any]:
    """One entry of ListModelPackages."""
    from sabio.registry import package_arn

    summary: dict[str, Any] = {
        "ModelPackageName": record.group_name,
        "ModelPackageGroupName": record.group_name,
        "ModelPackageVersion": record.version,
        "ModelPackageArn": package_arn(session.settings, record.group_name, record.version),
        "CreationTime": _time(record.created_at),
        "ModelPackageStatus": "Completed",
        "ModelApprovalStatus": record.approval_status,
    }
    if record.spec.get("description"):
        summary["ModelPackageDescription"] = record.spec["description"]
    return summary


def model_package(record: ModelPackageRecord, session: Session) -> dict[str, Any]:
    """DescribeModelPackage of a version record, plus sabio's ``Lineage`` and
    ``ApprovalHistory``."""
    from sabio.registry import ModelPackageSpec

    spec = ModelPackageSpec.model_validate(record.spec)
    description = model_package_summary(record, session)
    description.update(
        {
            "InferenceSpecification": spec.inference_specification(),
            "ModelPackageStatusDetails": {"ValidationStatuses": [], "ImageScanStatuses": []},
            "CertifyForMarketplace": False,
            "CreatedBy": {"UserProfileName": record.created_by},
            "LastModifiedTime": _time(record.last_modified),
            "LastModifiedBy": {"UserProfileName": record.last_modified_by},
            "Lineage": record.lineage,
            "ApprovalHistory": [
                {
                    "ModelApprovalStatus": entry.get("status"),
                    "ChangedBy": entry.get("by"),
                    "ChangeTime": _time(entry.get("at")),
                    "ApprovalDescription": entry.get("description"),
                }
                for entry in record.approvals
            ],
        }
    )
    if record.approval_description:
        description["ApprovalDescription"] = record.approval_description
    metrics = spec.model_metrics_request()
    if metrics:
        description["ModelMetrics"] = metrics
    if spec.customer_metadata_properties:
        description["CustomerMetadataProperties"] = dict(spec.customer_metadata_properties)
    for key, value in (
        ("Domain", spec.domain),
        ("Task", spec.task),
        ("SamplePayloadUrl", spec.sample_payload_url),
    ):
        if value:
            description[key] = value
    return description


# ---------------------------------------------------------------------- monitoring
def describe_monitoring_job(session: Session, name: str) -> dict[str, Any]:
    """A baselining job or monitoring execution in DescribeProcessingJob's shape, plus
    ``MonitoringExecutionStatus`` and its counters.

    Raises:
        NotFoundError: no such job.
    """
    from sabio import monitoring

    record = monitoring.describe(session.settings, name)
    spec, details = record.spec, record.details
    inputs = []
    if spec.get("dataset_uri"):
        inputs.append(
            {"InputName": "baseline_dataset_input", "S3Input": {"S3Uri": spec["dataset_uri"]}}
        )
    if spec.get("endpoint_name"):
        inputs.append(
            {
                "InputName": "endpoint_input",
                "EndpointInput": {"EndpointName": spec["endpoint_name"]},
            }
        )
    description: dict[str, Any] = {
        "ProcessingJobName": record.name,
        "ProcessingJobArn": f"{_ARN}:processing-job/{record.name}",
        "ProcessingJobStatus": record.status,
        "ProcessingInputs": inputs,
        "ProcessingOutputConfig": {
            "Outputs": [
                {"OutputName": "monitoring_output", "S3Output": {"S3Uri": spec["output_uri"]}}
            ]
        },
        "Environment": {"analysis_type": spec["job_type"]},
        "CreationTime": _time(record.created_at),
        "ProcessingStartTime": _time(record.started_at),
        "ProcessingEndTime": _time(record.ended_at),
        "LastModifiedTime": _time(record.last_modified),
        "MonitoringScheduleArn": (
            f"{_ARN}:monitoring-schedule/{spec['schedule_name']}"
            if spec.get("schedule_name")
            else None
        ),
        "MonitoringExecutionStatus": details.get("MonitoringExecutionStatus", record.status),
        "ProcessedRecords": details.get("ProcessedRecords", 0),
        "Violations": details.get("Violations", 0),
    }
    if record.failure_reason:
        description["FailureReason"] = record.failure_reason
    return description


def monitoring_execution_summary(record: JobRecord) -> dict[str, Any]:
    """One MonitoringExecutionSummary of a monitoring execution record."""
    spec = record.spec
    summary: dict[str, Any] = {
        "MonitoringScheduleName": spec.get("schedule_name"),
        "ScheduledTime": _time(spec.get("end_time")),
        "CreationTime": _time(record.created_at),
        "LastModifiedTime": _time(record.last_modified),
        "MonitoringExecutionStatus": (
            record.details.get("MonitoringExecutionStatus")
            or ("InProgress" if record.status == "InProgress" else record.status)
        ),
        "ProcessingJobArn": f"{_ARN}:processing-job/{record.name}",
        "EndpointName": spec.get("endpoint_name"),
        "MonitoringType": (
            "ModelQuality"
            if str(spec.get("job_type", "")).startswith("ModelQuality")
            else "DataQuality"
        ),
    }
    if record.failure_reason:
        summary["FailureReason"] = record.failure_reason
    return summary


def describe_monitoring_schedule(session: Session, name: str) -> dict[str, Any]:
    """DescribeMonitoringSchedule of the schedule ``name``.

    Raises:
        NotFoundError: no such schedule.
    """
    from sabio import monitoring

    record = session.catalog.jobs(monitoring.SCHEDULE).get(name)
    spec = monitoring.MonitoringScheduleSpec.model_validate(record.spec)
    description: dict[str, Any] = {
        "MonitoringScheduleArn": f"{_ARN}:monitoring-schedule/{name}",
        "MonitoringScheduleName": name,
        "MonitoringScheduleStatus": record.status,
        "MonitoringType": spec.monitoring_type,
        "CreationTime": _time(record.created_at),
        "LastModifiedTime": _time(record.last_modified),
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": spec.schedule_expression},
            "MonitoringJobDefinition": {
                "BaselineConfig": {
                    "ConstraintsResource": {"S3Uri": spec.constraints_uri},
                    **(
                        {"StatisticsResource": {"S3Uri": spec.statistics_uri}}
                        if spec.statistics_uri
                        else {}
                    ),
                },
                "MonitoringInputs": [{"EndpointInput": {"EndpointName": spec.endpoint_name}}],
                "MonitoringOutputConfig": {
                    "MonitoringOutputs": [{"S3Output": {"S3Uri": spec.output_uri}}]
                },
            },
            "MonitoringType": spec.monitoring_type,
        },
        "EndpointName": spec.endpoint_name,
    }
    executions = monitoring.executions(session.settings, name)
    if executions:
        description["LastMonitoringExecutionSummary"] = monitoring_execution_summary(executions[0])
    return description
