"""ModelQualityMonitor end to end: baseline metrics, captured predictions merged with ground
truth on inference_id, violations when quality drops, and ground truth that matches nothing."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests._wait import wait_until

from sabio.exceptions import JobFailedError, ValidationError
from sabio.model import Model
from sabio.model_monitor import (
    DataCaptureConfig,
    DatasetFormat,
    EndpointInput,
    ModelQualityMonitor,
)
from sabio.serializers import CSVSerializer
from sabio.session import Session

SCORE_MODULE = """
import numpy as np


def model_fn(model_dir):
    return None


def predict_fn(data, model):
    return np.asarray(data, dtype=float)[:, 0]
"""


def _ground_truth(session: Session, key: str, labels: dict[str, int]) -> None:
    body = "".join(
        json.dumps(
            {
                "groundTruthData": {"data": str(label), "encoding": "CSV"},
                "eventMetadata": {"eventId": identifier},
                "eventVersion": "0",
            }
        )
        + "\n"
        for identifier, label in labels.items()
    )
    session.upload_string_as_file_body(body, session.default_bucket(), key)


@pytest.mark.slow
def test_model_quality_monitor_reports_the_quality_drop(sabio_home: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    session = Session()
    bucket = session.default_bucket()
    scores = rng.uniform(0, 1, 400).round(4)
    labels = (scores > 0.5).astype(int)
    labels[:20] = 1 - labels[:20]  # a good model: 95% accurate
    baseline = tmp_path / "validation.csv"
    pd.DataFrame({"probability": scores, "label": labels}).to_csv(baseline, index=False)
    monitor = ModelQualityMonitor(role="any", sagemaker_session=session)
    with pytest.raises(ValidationError, match="is not a column"):
        monitor.suggest_baseline(
            baseline_dataset=str(baseline),
            dataset_format=DatasetFormat.csv(header=True),
            problem_type="BinaryClassification",
            probability_attribute="probabilty",
            ground_truth_attribute="label",
        )
    with pytest.raises(ValidationError, match="Did you mean 'BinaryClassification'"):
        monitor.suggest_baseline(str(baseline), DatasetFormat.csv(), "BinaryClassificaton")
    monitor.suggest_baseline(
        baseline_dataset=str(baseline),
        dataset_format=DatasetFormat.csv(header=True),
        problem_type="BinaryClassification",
        probability_attribute="probability",
        probability_threshold_attribute=0.5,
        ground_truth_attribute="label",
        output_s3_uri=f"s3://{bucket}/mq-baseline",
    )
    metrics = monitor.baseline_statistics().body_dict["binary_classification_metrics"]
    assert metrics["accuracy"]["value"] == pytest.approx(0.95)
    assert metrics["accuracy"]["standard_deviation"] > 0
    rules = monitor.suggested_constraints().body_dict["binary_classification_constraints"]
    assert rules["accuracy"] == {"threshold": 0.95, "comparison_operator": "LessThanThreshold"}
    assert rules["false_positive_rate"]["comparison_operator"] == "GreaterThanThreshold"

    (tmp_path / "m" / "code").mkdir(parents=True)
    (tmp_path / "m" / "code" / "inference.py").write_text(SCORE_MODULE)
    predictor = Model(str(tmp_path / "m"), sagemaker_session=session).deploy(
        endpoint_name="scored",
        serializer=CSVSerializer(),
        data_capture_config=DataCaptureConfig(
            enable_capture=True, sampling_percentage=100, destination_s3_uri=f"s3://{bucket}/cap"
        ),
    )
    truth_uri = f"s3://{bucket}/ground-truth"
    try:
        monitor.create_monitoring_schedule(
            endpoint_input=EndpointInput(
                "scored", probability_attribute="0", probability_threshold_attribute=0.5
            ),
            ground_truth_input=truth_uri,
            problem_type="BinaryClassification",
            output_s3_uri=f"s3://{bucket}/mq-reports",
            monitor_schedule_name="scored-quality",
        )
        start = time.time() - 1
        sent = rng.uniform(0, 1, 120).round(4)
        for i, score in enumerate(sent):
            predictor.predict([[score]], inference_id=f"req-{i}")
    finally:
        predictor.delete_endpoint()
    end = time.time() + 1
    wait_until(lambda: session.store.exists(f"s3://{bucket}/cap/scored"), what="capture")

    with pytest.raises(JobFailedError, match="matches a captured inferenceId"):
        _ground_truth(session, "ground-truth/2026/12/03/10/wrong.jsonl", {"other-1": 1})
        monitor.run_monitoring_period(start, end)
    session.store.delete(f"{truth_uri}/2026/12/03/10/wrong.jsonl")

    truth = {f"req-{i}": int(s > 0.5) for i, s in enumerate(sent)}
    _ground_truth(session, "ground-truth/2026/12/03/10/good.jsonl", truth)
    good = monitor.run_monitoring_period(start, end)
    assert good.constraint_violations().body_dict["violations"] == []
    assert good.statistics().body_dict["binary_classification_metrics"]["accuracy"]["value"] == 1

    drifted = {k: (1 - v if i % 3 == 0 else v) for i, (k, v) in enumerate(truth.items())}
    _ground_truth(session, "ground-truth/2026/12/03/10/good.jsonl", drifted)
    bad = monitor.run_monitoring_period(start, end)
    violations = bad.constraint_violations().body_dict["violations"]
    names = {v["metric_name"] for v in violations}
    assert {"accuracy", "f1"} <= names
    assert all(
        v["constraint_check_type"] in {"LessThanThreshold", "GreaterThanThreshold"}
        for v in violations
    )
    assert bad.describe()["MonitoringExecutionStatus"] == "CompletedWithViolations"
    assert monitor.describe_schedule()["MonitoringType"] == "ModelQuality"
