"""Transform job records in SageMaker's DescribeTransformJob shape (shared by SDK and CLI)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sabio.catalog import JobRecord

__all__ = ["transform_job"]


def _time(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.UTC)


def transform_job(record: JobRecord) -> dict[str, Any]:
    """DescribeTransformJob for one job, plus sabio's ``TransformProgress``."""
    spec = record.spec
    description: dict[str, Any] = {
        "TransformJobName": record.name,
        "TransformJobArn": f"arn:aws:sagemaker:local:000000000000:transform-job/{record.name}",
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
