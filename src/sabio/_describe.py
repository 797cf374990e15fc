"""Catalog records rendered in SageMaker's Describe* shapes (shared by SDK and CLI)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sabio.catalog import Catalog, JobRecord
from sabio.training._kind import TRAINING

__all__ = ["training_job"]


def _time(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.UTC)


def training_job(record: JobRecord, catalog: Catalog) -> dict[str, Any]:
    """DescribeTrainingJob for one job, plus sabio's ``ResourceUsage``."""
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
    final = catalog.jobs(TRAINING).final_metrics(record.name)
    training_seconds = None
    if record.started_at is not None and record.ended_at is not None:
        training_seconds = round(record.ended_at - record.started_at)
    description: dict[str, Any] = {
        "TrainingJobName": record.name,
        "TrainingJobArn": f"arn:aws:sagemaker:local:000000000000:training-job/{record.name}",
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
        "CreationTime": _time(record.created_at),
        "TrainingStartTime": _time(record.started_at),
        "TrainingEndTime": _time(record.ended_at),
        "LastModifiedTime": _time(record.last_modified),
        "SecondaryStatusTransitions": transitions,
        "FinalMetricDataList": [
            {"MetricName": name, "Value": value, "Timestamp": _time(record.ended_at)}
            for name, value in sorted(final.items())
        ],
        "ResourceUsage": {
            "WallSeconds": record.wall_seconds,
            "BillableSeconds": record.billable_seconds,
            "CpuSeconds": record.cpu_seconds,
            "PeakRssBytes": record.peak_rss_bytes,
            "EstimatedCloudCostUSD": record.estimated_cost_usd,
        },
    }
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
        description["TuningJobArn"] = (
            f"arn:aws:sagemaker:local:000000000000:hyper-parameter-tuning-job/{record.parent}"
        )
    return description


def _encode(value: Any) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value)
