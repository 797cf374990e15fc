"""Specs of monitoring jobs and schedules (validation next to the fields)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from sabio.exceptions import ValidationError

__all__ = ["MonitoringJobSpec", "MonitoringScheduleSpec", "QualitySpec", "check_monitoring_name"]

_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


def check_monitoring_name(name: str, what: str = "Monitoring job") -> str:
    """Validate a job or schedule name with SageMaker's rule.

    Raises:
        ValidationError: not 1-63 letters, digits and hyphens.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(
            f"{what} name {name!r} is invalid: use 1-63 letters, digits and hyphens, starting "
            "and ending with a letter or digit (e.g. 'fraud-data-quality')."
        )
    return name


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QualitySpec(_Model):
    """What model-quality monitoring compares: the problem type, where predictions and
    ground truth are (baseline CSV columns, or the endpoint's output), and where uploaded
    ground truth lies (``ground_truth_uri``, merged on the captured ``inferenceId``).

    Attributes:
        inference_attribute: the predicted label's column (baseline) or the output's index
            or key (captured traffic); default the first value.
        probability_attribute: the score's column or index/key (binary classification).
        probability_threshold: scores at or above it are the positive label.
        ground_truth_attribute: the baseline's ground-truth column.
    """

    problem_type: Literal["BinaryClassification", "MulticlassClassification", "Regression"]
    inference_attribute: str | None = None
    probability_attribute: str | None = None
    probability_threshold: float | None = None
    ground_truth_attribute: str | None = None
    ground_truth_uri: str | None = None


class MonitoringJobSpec(_Model):
    """A baselining job (``DataQualityBaseline``: statistics and constraints of a dataset) or
    a monitoring execution (``DataQualityMonitoring``: one period of captured traffic checked
    against them).

    Attributes:
        dataset_uri: the baseline dataset (CSV object or prefix).
        header: the baseline CSV's first line names the columns.
        capture_prefix: ``<capture destination>/<endpoint>`` of the monitored endpoint.
        start_time / end_time: the period (UNIX seconds, ``[start, end)``).
        statistics_uri / constraints_uri: the baseline files checked against.
        output_uri: where the job writes its files.
        schedule_name / endpoint_name: what an execution belongs to.
    """

    job_name: str
    job_type: Literal[
        "DataQualityBaseline",
        "DataQualityMonitoring",
        "ModelQualityBaseline",
        "ModelQualityMonitoring",
    ]
    output_uri: str
    dataset_uri: str | None = None
    header: bool = False
    endpoint_name: str | None = None
    capture_prefix: str | None = None
    start_time: float | None = None
    end_time: float | None = None
    statistics_uri: str | None = None
    constraints_uri: str | None = None
    schedule_name: str | None = None
    quality: QualitySpec | None = None

    @field_validator("job_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_monitoring_name(value)

    @field_validator("output_uri")
    @classmethod
    def _output(cls, value: str) -> str:
        if not value.startswith("s3://"):
            raise ValueError(f"output_uri must be an s3:// URI, got {value!r}")
        return value.rstrip("/")


class MonitoringScheduleSpec(_Model):
    """A data-quality monitoring schedule of an endpoint.

    Attributes:
        schedule_expression: ``cron(0 * ? * * *)`` style (``CronExpressionGenerator``).
        capture_prefix: ``<capture destination>/<endpoint>``.
        statistics_uri / constraints_uri: the baseline.
        output_uri: executions write under ``<output>/<endpoint>/<schedule>/yyyy/mm/dd/hh``.
    """

    schedule_name: str
    endpoint_name: str
    schedule_expression: str
    capture_prefix: str
    statistics_uri: str | None
    constraints_uri: str
    output_uri: str
    monitoring_type: Literal["DataQuality", "ModelQuality"] = "DataQuality"
    quality: QualitySpec | None = None

    @field_validator("schedule_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_monitoring_name(value, "Monitoring schedule")
