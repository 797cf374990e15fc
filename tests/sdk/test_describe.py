"""``sabio._describe``: records rendered in SageMaker's Describe* shapes (pure functions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sabio import _describe
from sabio.catalog import JobRecord, StatusEvent

_T0 = 1_767_261_600.0


def _record(**fields: Any) -> JobRecord:
    base: dict[str, Any] = {
        "kind": "training",
        "name": "job-1",
        "status": "Completed",
        "spec": {},
        "details": {},
        "created_at": _T0,
        "started_at": _T0 + 1,
        "ended_at": _T0 + 11,
        "last_modified": _T0 + 12,
        "failure_reason": None,
    }
    return JobRecord(**{**base, **fields})


def test_describe_training_job_renders_final_metrics_and_times() -> None:
    record = _record(
        secondary_status="Completed",
        history=(StatusEvent("InProgress", "Training", "", _T0 + 1),),
        spec={"hyperparameters": {"eta": 0.2, "objective": "binary:logistic"}, "channels": {}},
        wall_seconds=10.0,
        billable_seconds=10.0,
        cpu_seconds=9.0,
        peak_rss_bytes=1,
        estimated_cost_usd=0.0,
        model_artifacts="s3://b/job-1/output/model.tar.gz",
        output_data=None,
        parent="tune-1",
    )
    description = _describe.training_job(record, {"validation:auc": 0.9})
    assert description["TrainingJobArn"].endswith(":training-job/job-1")
    assert description["HyperParameters"] == {"eta": "0.2", "objective": "binary:logistic"}
    assert description["FinalMetricDataList"][0]["MetricName"] == "validation:auc"
    assert description["TrainingTimeInSeconds"] == 10
    assert description["TrainingStartTime"] == dt.datetime.fromtimestamp(_T0 + 1, dt.UTC)
    assert description["TuningJobArn"].endswith(":hyper-parameter-tuning-job/tune-1")
    assert description["SecondaryStatusTransitions"][0]["EndTime"] is not None


def test_describe_transform_job_renders_spec_and_progress() -> None:
    record = _record(
        spec={"model_name": "m", "data": "s3://b/in", "content_type": "text/csv"},
        details={"Records": 3},
        failure_reason="bad row",
    )
    description = _describe.transform_job(record)
    assert description["TransformJobStatus"] == "Completed"
    assert description["TransformInput"]["ContentType"] == "text/csv"
    assert description["TransformProgress"] == {"Records": 3}
    assert description["FailureReason"] == "bad row"


def test_describe_tuning_job_adds_best_trial_times_when_known() -> None:
    definition = {"hyperparameters": {"a": 1}, "channels": {"train": {"uri": "s3://b/t"}}}
    record = _record(
        spec={
            "HyperParameterTuningJobConfig": {"Strategy": "Random"},
            "TrainingJobDefinition": definition,
        },
        details={
            "BestTrainingJob": {"TrainingJobName": "t-1"},
            "OverallBestTrainingJob": {"TrainingJobName": "gone"},
        },
    )
    trial = _record(name="t-1")
    description = _describe.tuning_job(record, {"t-1": trial})
    assert description["BestTrainingJob"]["TrainingStartTime"] == dt.datetime.fromtimestamp(
        _T0 + 1, dt.UTC
    )
    assert description["OverallBestTrainingJob"] == {"TrainingJobName": "gone"}
    assert description["TrainingJobDefinition"]["StaticHyperParameters"] == {"a": "1"}


def test_describe_endpoint_counts_workers_in_service_only() -> None:
    record = _record(
        status="InService",
        spec={"endpoint_name": "job-1", "model_name": "m", "instance_count": 2},
        details={"Workers": [1, 2], "Url": "http://127.0.0.1:1", "ModelName": "m"},
    )
    description = _describe.endpoint(record, "eu-west-1")
    assert description["EndpointArn"] == "arn:aws:sagemaker:eu-west-1:000000000000:endpoint/job-1"
    assert description["ProductionVariants"][0]["CurrentInstanceCount"] == 2
    assert description["Url"] == "http://127.0.0.1:1"
    failed = _describe.endpoint(
        _record(status="Failed", failure_reason="boom", spec=record.spec), "local"
    )
    assert failed["ProductionVariants"][0]["CurrentInstanceCount"] == 0
    assert failed["FailureReason"] == "boom"
