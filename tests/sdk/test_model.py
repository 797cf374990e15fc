"""Estimator.deploy of a built-in training job, end to end (train → serve → predict)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio import image_uris
from sabio.deserializers import JSONDeserializer
from sabio.estimator import Estimator
from sabio.exceptions import ValidationError
from sabio.inference._kind import MODEL
from sabio.model import Model
from sabio.serializers import CSVSerializer
from sabio.session import Session


def test_model_estimator_deploy_builtin(sabio_home: Path, tmp_path: Path) -> None:
    from sklearn.datasets import load_diabetes

    data = load_diabetes(as_frame=True)
    frame = data.frame[["target", *data.feature_names]].head(80)
    (tmp_path / "train").mkdir()
    frame.to_csv(tmp_path / "train" / "train.csv", index=False, header=False)
    session = Session()
    uri = session.upload_data(str(tmp_path / "train"), key_prefix="diabetes/train")
    estimator = Estimator(
        image_uri=image_uris.retrieve("xgboost"),
        hyperparameters={"num_round": 3, "objective": "reg:squarederror"},
        sagemaker_session=session,
    )
    estimator.fit({"train": uri}, logs=False)
    predictor = estimator.deploy(
        serializer=CSVSerializer(), deserializer=JSONDeserializer(), endpoint_name="diab"
    )
    try:
        answer = predictor.predict(frame.iloc[:2, 1:].to_numpy())
        assert len(answer["predictions"]) == 2
        model = session.catalog.jobs(MODEL).get(predictor.describe()["ModelName"])
        assert model.spec["builtin_module"] == "sabio.algorithms.xgboost"
        assert model.spec["training_job_name"] == estimator.latest_training_job.name  # type: ignore[union-attr]
    finally:
        predictor.delete_endpoint()


def test_model_without_model_data_is_refused(sabio_home: Path) -> None:
    with pytest.raises(ValidationError, match="has no ModelDataUrl"):
        Model(None).create()


def test_estimator_deploy_before_fit_is_refused(sabio_home: Path) -> None:
    estimator = Estimator(image_uri=image_uris.retrieve("xgboost"))
    with pytest.raises(ValidationError, match="no training job yet"):
        estimator.deploy()


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


def test_model_script_mode_estimator_serves_with_its_training_script(
    sabio_home: Path, tmp_path: Path
) -> None:
    script = tmp_path / "train.py"
    script.write_text(TRAIN_AND_SERVE)
    estimator = Estimator(entry_point=str(script), instance_type="local")
    estimator.fit(logs=False)
    predictor = estimator.deploy(serializer=CSVSerializer(), deserializer=JSONDeserializer())
    try:
        assert predictor.predict([[1, 2]]) == [21.0]
    finally:
        predictor.delete_endpoint()


WEIGHTS_MODULE = """
import numpy as np


def model_fn(model_dir):
    return np.asarray([1.0, 2.0, 3.0])


def predict_fn(data, model):
    return np.asarray(data) @ model
"""


def _weights_model(folder: Path) -> Path:
    (folder / "code").mkdir(parents=True)
    (folder / "code" / "inference.py").write_text(WEIGHTS_MODULE)
    return folder


def test_model_transformer_runs_batch_transform(sabio_home: Path, tmp_path: Path) -> None:
    session = Session()
    bucket = session.default_bucket()
    session.store.put_bytes(f"s3://{bucket}/in/data.csv", b"1,1,1\n1,2,3\n")
    model = Model(str(_weights_model(tmp_path / "m")), sagemaker_session=session)
    transformer = model.transformer(1, "local", output_path=f"s3://{bucket}/out", accept="text/csv")
    transformer.transform(f"s3://{bucket}/in", content_type="text/csv", split_type="Line")
    assert session.store.get_bytes(f"s3://{bucket}/out/data.csv.out") == b"6.0\n14.0\n"


def test_model_deploy_with_data_capture(sabio_home: Path, tmp_path: Path) -> None:
    import json

    session = Session()
    bucket = session.default_bucket()
    capture = {
        "EnableCapture": True,
        "InitialSamplingPercentage": 100,
        "DestinationS3Uri": f"s3://{bucket}/capture",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
    }
    model = Model(str(_weights_model(tmp_path / "m")), sagemaker_session=session)
    predictor = model.deploy(
        endpoint_name="captured", serializer=CSVSerializer(), data_capture_config=capture
    )
    assert predictor.describe()["DataCaptureConfig"]["CurrentSamplingPercentage"] == 100
    assert predictor.predict([[1, 1, 1]], inference_id="req-1") == b"[6.0]"
    predictor.delete_endpoint()  # stops the workers, which flush their capture files
    files = session.store.list(f"s3://{bucket}/capture")
    assert len(files) == 1
    record = json.loads(session.store.get_bytes(files[0]).decode().splitlines()[0])
    assert record["captureData"]["endpointInput"]["data"] == "1,1,1"
    assert record["eventMetadata"]["inferenceId"] == "req-1"


def test_model_training_job_name_is_a_constructor_argument(sabio_home: Path) -> None:
    model = Model("s3://bucket/job/output/model.tar.gz", training_job_name="job")
    assert model.training_job_name == "job"
    assert Model("s3://bucket/m.tar.gz").training_job_name is None


def test_model_module_imports_neither_predictor_nor_estimator() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sabio.model; "
        "print([m for m in ('sabio.predictor', 'sabio.estimator') if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
