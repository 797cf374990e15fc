"""Model.register, ModelPackage.deploy and the Session's registry calls (SageMaker shapes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.deserializers import JSONDeserializer
from sabio.estimator import Estimator
from sabio.exceptions import NotFoundError, ValidationError
from sabio.model import Model, ModelPackage
from sabio.model_metrics import MetricsSource, ModelMetrics
from sabio.serializers import CSVSerializer
from sabio.session import Session

TRAIN_AND_SERVE = """
import json
import os

import numpy as np


def model_fn(model_dir):
    with open(os.path.join(model_dir, "weights.json")) as fh:
        return np.asarray(json.load(fh))


def predict_fn(data, model):
    return np.asarray(data) @ model


if __name__ == "__main__":
    with open(os.path.join(os.environ["SM_MODEL_DIR"], "weights.json"), "w") as fh:
        json.dump([1.0, 10.0], fh)
"""


@pytest.mark.slow
def test_model_register_then_deploy_the_approved_version(sabio_home: Path, tmp_path: Path) -> None:
    session = Session()
    script = tmp_path / "train.py"
    script.write_text(TRAIN_AND_SERVE)
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    estimator.fit(logs=False)
    assert session.create_model_package_group("fraud", "Fraud models")[
        "ModelPackageGroupArn"
    ].endswith(":model-package-group/fraud")
    report = session.upload_string_as_file_body(
        '{"auc": 0.9}', session.default_bucket(), "eval/evaluation.json"
    )
    package = estimator.register(
        content_types=["text/csv"],
        response_types=["application/json"],
        inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"],
        model_package_group_name="fraud",
        model_metrics=ModelMetrics(
            model_statistics=MetricsSource(content_type="application/json", s3_uri=report)
        ),
        customer_metadata_properties={"team": "claims"},
        description="first",
    )
    assert isinstance(package, ModelPackage)
    description = session.describe_model_package(package.model_package_arn)
    assert description["ModelPackageVersion"] == 1
    assert description["ModelApprovalStatus"] == "PendingManualApproval"
    assert description["ModelPackageDescription"] == "first"
    assert description["ModelMetrics"] == {
        "ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": report}}
    }
    assert description["CustomerMetadataProperties"] == {"team": "claims"}
    container = description["InferenceSpecification"]["Containers"][0]
    assert container["Environment"]["SAGEMAKER_PROGRAM"] == "train.py"
    assert container["Environment"]["SAGEMAKER_SUBMIT_DIRECTORY"].startswith("s3://")
    assert description["Lineage"]["training_job"] == estimator.latest_training_job.name  # type: ignore[union-attr]
    package.update_approval_status("Approved", "looks good")
    listed = session.list_model_packages("fraud", model_approval_status="Approved")
    assert [p["ModelPackageVersion"] for p in listed["ModelPackageSummaryList"]] == [1]
    groups = session.list_model_package_groups()["ModelPackageGroupSummaryList"]
    assert [g["ModelPackageGroupName"] for g in groups] == ["fraud"]
    deployable = ModelPackage(
        role="any", model_package_arn=package.model_package_arn, sagemaker_session=session
    )
    predictor = deployable.deploy(
        endpoint_name="fraud-live", serializer=CSVSerializer(), deserializer=JSONDeserializer()
    )
    try:
        assert predictor.predict([[1, 2]]) == [21.0]
    finally:
        predictor.delete_endpoint()


def test_model_register_bad_input(sabio_home: Path, tmp_path: Path) -> None:
    session = Session()
    model = Model(str(tmp_path), sagemaker_session=session)
    with pytest.raises(ValidationError, match="needs model_package_group_name"):
        model.register(content_types=["text/csv"], response_types=["text/csv"])
    with pytest.raises(NotFoundError, match="Create it first"):
        model.register(model_package_group_name="nope")
    with pytest.raises(ValidationError, match="needs model_data"):
        Model(None, sagemaker_session=session).register(model_package_group_name="nope")
    with pytest.raises(ValidationError, match="s3:// URI"):
        MetricsSource("application/json", "/tmp/report.json")
    with pytest.raises(ValidationError, match="sort_order"):
        session.list_model_packages(sort_order="Up")
    with pytest.raises(ValidationError, match="needs model_package_arn"):
        ModelPackage(role="r")
