"""DefaultModelMonitor end to end: baseline, an endpoint's captured traffic, violations."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests._wait import wait_until

from sabio import monitoring
from sabio.exceptions import NotFoundError, ValidationError
from sabio.model import Model
from sabio.model_monitor import (
    CronExpressionGenerator,
    DataCaptureConfig,
    DatasetFormat,
    DefaultModelMonitor,
)
from sabio.serializers import CSVSerializer
from sabio.session import Session

WEIGHTS_MODULE = """
import numpy as np


def model_fn(model_dir):
    return np.asarray([0.01, 0.02, 1.0])


def predict_fn(data, model):
    return np.asarray(data) @ model
"""


def _rows(rng: np.random.Generator, n: int, amount_scale: float = 1.0, shift: float = 0.0):
    return pd.DataFrame(
        {
            "amount": (rng.lognormal(3, 0.8, n) * amount_scale).round(2),
            "age": rng.integers(18, 90, n),
            "score": (rng.normal(0, 1, n) + shift).round(4),
        }
    )


def _captured(session: Session, prefix: str) -> int:
    if not session.store.exists(prefix):
        return 0
    return sum(session.store.get_bytes(uri).count(b"\n") for uri in session.store.list(prefix))


@pytest.mark.slow
def test_default_model_monitor_flags_exactly_the_shifted_features(
    sabio_home: Path, tmp_path: Path
) -> None:
    rng = np.random.default_rng(7)
    session = Session()
    bucket = session.default_bucket()
    training = tmp_path / "train.csv"
    _rows(rng, 3000).to_csv(training, index=False)
    monitor = DefaultModelMonitor(role="any", sagemaker_session=session)
    job = monitor.suggest_baseline(
        baseline_dataset=str(training),
        dataset_format=DatasetFormat.csv(header=True),
        output_s3_uri=f"s3://{bucket}/baseline",
    )
    assert job.describe()["ProcessingJobStatus"] == "Completed"
    statistics = monitor.baseline_statistics().body_dict
    assert statistics["dataset"]["item_count"] == 3000
    assert [f["name"] for f in statistics["features"]] == ["amount", "age", "score"]
    assert session.store.exists(f"s3://{bucket}/baseline/constraints.json")

    (tmp_path / "m" / "code").mkdir(parents=True)
    (tmp_path / "m" / "code" / "inference.py").write_text(WEIGHTS_MODULE)
    plain = Model(str(tmp_path / "m"), sagemaker_session=session).deploy(endpoint_name="plain")
    try:
        with pytest.raises(ValidationError, match="does not capture its requests"):
            monitor.create_monitoring_schedule(
                endpoint_input="plain", output_s3_uri=f"s3://{bucket}/reports"
            )
    finally:
        plain.delete_endpoint()
    assert session.catalog.jobs(monitoring.SCHEDULE).list() == []

    capture = DataCaptureConfig(
        enable_capture=True,
        sampling_percentage=100,
        destination_s3_uri=f"s3://{bucket}/capture",
        sagemaker_session=session,
    )
    predictor = Model(str(tmp_path / "m"), sagemaker_session=session).deploy(
        endpoint_name="fraud", serializer=CSVSerializer(), data_capture_config=capture
    )
    prefix = f"s3://{bucket}/capture/fraud"
    try:
        monitor.create_monitoring_schedule(
            endpoint_input=predictor,
            output_s3_uri=f"s3://{bucket}/reports",
            monitor_schedule_name="fraud-dq",
            schedule_cron_expression=CronExpressionGenerator.hourly(),
        )
        start = time.time() - 1
        for chunk in np.array_split(_rows(rng, 600).to_numpy(), 30):
            predictor.predict(chunk)
        wait_until(lambda: _captured(session, prefix) >= 30, what="normal traffic captured")
        middle = time.time() + 1.1
        time.sleep(max(0.0, middle - time.time()))
        for chunk in np.array_split(_rows(rng, 600, amount_scale=4.0, shift=1.5).to_numpy(), 30):
            predictor.predict(chunk)
    finally:
        predictor.delete_endpoint()  # flushes the capture
    assert _captured(session, prefix) == 60
    end = time.time() + 1

    normal = monitor.run_monitoring_period(start, middle)
    assert normal.constraint_violations().body_dict == {"violations": []}
    assert normal.statistics().body_dict["dataset"]["item_count"] == 600
    shifted = monitor.run_monitoring_period(middle, end)
    violations = shifted.constraint_violations().body_dict["violations"]
    assert {(v["feature_name"], v["constraint_check_type"]) for v in violations} == {
        ("amount", "baseline_drift_check"),
        ("score", "baseline_drift_check"),
    }
    assert shifted.describe()["MonitoringExecutionStatus"] == "CompletedWithViolations"
    executions = monitor.list_executions()
    assert [e.job_name for e in executions] == [normal.job_name, shifted.job_name]
    latest = monitor.latest_monitoring_constraint_violations()
    assert latest is not None and latest.body_dict["violations"] == violations
    schedule = monitor.describe_schedule()
    assert schedule["MonitoringScheduleStatus"] == "Scheduled"
    assert schedule["MonitoringScheduleConfig"]["ScheduleConfig"]["ScheduleExpression"] == (
        "cron(0 * ? * * *)"
    )
    assert schedule["LastMonitoringExecutionSummary"]["MonitoringExecutionStatus"] == (
        "CompletedWithViolations"
    )
    assert shifted.output_uri.startswith(f"s3://{bucket}/reports/fraud/fraud-dq/")
    body = json.loads(session.store.get_bytes(f"{shifted.output_uri}/constraint_violations.json"))
    assert body["violations"] == violations
    summary = json.loads(session.store.get_bytes(f"{shifted.output_uri}/summary.json"))
    assert summary["violated_features"] == ["amount", "score"]
    assert summary["drift_distance"]["amount"] > 0.1 > summary["drift_distance"]["age"]
    page = session.store.get_bytes(f"{shifted.output_uri}/report.html").decode()
    assert page.count("data:image/png;base64,") == 4  # drift bars + one plot per feature
    assert "baseline_drift_check" in page
    # The next hourly firing is due an hour from now: run_due starts it once.
    due = monitoring.run_due(session.settings, now=time.time() + 3600)
    assert [r.parent for r in due] == ["fraud-dq"]
    assert monitoring.wait(session.settings, due[0].name, timeout=120).status == "Completed"
    assert monitoring.run_due(session.settings, now=time.time() + 3600) == []
    monitor.stop_monitoring_schedule()
    assert monitoring.run_due(session.settings, now=time.time() + 7200) == []


def test_suggest_baseline_refuses_a_claimed_header_that_is_data(
    sabio_home: Path, tmp_path: Path
) -> None:
    session = Session()
    data = tmp_path / "no-header.csv"
    data.write_text("1.5,20,0.3\n2.5,30,0.1\n")
    monitor = DefaultModelMonitor(sagemaker_session=session)
    with pytest.raises(ValidationError, match="has no header"):
        monitor.suggest_baseline(
            baseline_dataset=str(data), dataset_format=DatasetFormat.csv(header=True)
        )
    assert session.catalog.jobs(monitoring.MONITORING).list() == []
    with pytest.raises(NotFoundError, match="does not exist"):
        monitor.suggest_baseline(
            baseline_dataset=f"s3://{session.default_bucket()}/missing.csv",
            dataset_format=DatasetFormat.csv(header=False),
        )
    with pytest.raises(ValidationError, match="CSV datasets only"):
        monitor.suggest_baseline(baseline_dataset=str(data), dataset_format=DatasetFormat.json())
    job = monitor.suggest_baseline(
        baseline_dataset=str(data), dataset_format=DatasetFormat.csv(header=False)
    )
    names = [f["name"] for f in job.baseline_statistics().body_dict["features"]]
    assert names == ["_c0", "_c1", "_c2"]
    with pytest.raises(ValidationError, match="Unsupported schedule expression"):
        monitor.create_monitoring_schedule(
            endpoint_input="x", schedule_cron_expression="rate(1 hour)"
        )
    with pytest.raises(NotFoundError, match="Endpoint 'nope' does not exist"):
        monitor.create_monitoring_schedule(endpoint_input="nope")
