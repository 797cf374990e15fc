"""Framework model classes, their default predictors, and serving a local model file."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sabio.deserializers import CSVDeserializer, JSONDeserializer, NumpyDeserializer
from sabio.exceptions import FrameworkNotInstalledError, ValidationError
from sabio.predictor import Predictor
from sabio.pytorch import PyTorchModel, PyTorchPredictor
from sabio.serializers import JSONSerializer, LibSVMSerializer, NumpySerializer
from sabio.sklearn import SKLearnModel, SKLearnPredictor
from sabio.tensorflow import TensorFlowModel, TensorFlowPredictor
from sabio.xgboost import XGBoostModel, XGBoostPredictor


def _wheel(folder: Path) -> Path:
    """A one-module wheel (no build step): what a requirements.txt line can name offline."""
    files = {
        "sabio_compat_dep.py": b"SCALE = 2\n",
        "sabio_compat_dep-1.0.dist-info/METADATA": (
            b"Metadata-Version: 2.1\nName: sabio-compat-dep\nVersion: 1.0\n"
        ),
        "sabio_compat_dep-1.0.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append("sabio_compat_dep-1.0.dist-info/RECORD,,")
    path = folder / "sabio_compat_dep-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("sabio_compat_dep-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


INFERENCE = """
import os

import joblib
import sabio_compat_dep


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def predict_fn(data, model):
    return model.predict(data) * sabio_compat_dep.SCALE
"""


@pytest.mark.slow
def test_sklearn_model_serves_a_single_file_with_requirements(
    sabio_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import joblib
    from sklearn.linear_model import LinearRegression

    monkeypatch.chdir(tmp_path)
    features = np.arange(20, dtype=float).reshape(10, 2)
    joblib.dump(LinearRegression().fit(features, features.sum(axis=1)), "model.joblib")
    code = tmp_path / "code"
    code.mkdir()
    (code / "inference.py").write_text(INFERENCE)
    (code / "requirements.txt").write_text(f"{_wheel(tmp_path)}\n")

    model = SKLearnModel(
        model_data="file://model.joblib",  # relative, a plain file: as local mode takes it
        role="arn:aws:iam::111111111111:role/any",
        entry_point="inference.py",
        source_dir="code",
        framework_version="1.2-1",
    )
    assert model.model_data == f"file://{tmp_path}/model.joblib"
    predictor = model.deploy(initial_instance_count=1, instance_type="local")
    try:
        assert isinstance(predictor, SKLearnPredictor)
        answer = predictor.predict(np.array([[1.0, 2.0], [3.0, 4.0]]))
        np.testing.assert_allclose(answer, [6.0, 14.0])
    finally:
        predictor.delete_endpoint()


def test_framework_models_default_predictors_and_serializers(sabio_home: Path) -> None:
    sk = SKLearnModel("s3://b/model.tar.gz", role="r", entry_point="inference.py")
    assert sk.predictor_cls is SKLearnPredictor
    assert sk.image_uri is not None and sk.image_uri.startswith("sabio/sklearn:")
    xgb_model = XGBoostModel("s3://b/model.tar.gz", role="r", entry_point="inference.py")
    assert xgb_model.predictor_cls is XGBoostPredictor
    assert xgb_model.image_uri is None  # default handlers, not the built-in's
    torch_model = PyTorchModel(
        "s3://b/model.tar.gz", role="r", entry_point="inference.py", model_server_workers=2
    )
    assert torch_model.predictor_cls is PyTorchPredictor
    assert torch_model.env["SAGEMAKER_MODEL_SERVER_WORKERS"] == "2"

    cases = [
        (SKLearnPredictor, NumpySerializer, NumpyDeserializer),
        (PyTorchPredictor, NumpySerializer, NumpyDeserializer),
        (XGBoostPredictor, LibSVMSerializer, CSVDeserializer),
        (TensorFlowPredictor, JSONSerializer, JSONDeserializer),
    ]
    for cls, serializer, deserializer in cases:
        predictor = cls("some-endpoint")
        assert type(predictor.serializer) is serializer, cls
        assert type(predictor.deserializer) is deserializer, cls


def test_tensorflow_model_needs_tensorflow(sabio_home: Path) -> None:
    if importlib.util.find_spec("tensorflow") is not None:
        pytest.skip("TensorFlow is installed here")
    with pytest.raises(FrameworkNotInstalledError, match="pip install tensorflow"):
        TensorFlowModel("s3://b/model.tar.gz", role="r")


def test_generic_predictor_refuses_a_dataframe_without_serializer(sabio_home: Path) -> None:
    import pandas as pd

    predictor = Predictor("no-such-endpoint")
    with pytest.raises(ValidationError, match=r"cannot send a DataFrame.*CSVSerializer"):
        predictor.predict(pd.DataFrame({"a": [1.0]}))
