"""Model.deploy → Predictor against a real endpoint: predict, describe, re-attach, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.deserializers import JSONDeserializer
from sabio.exceptions import NotFoundError
from sabio.inference import PayloadError
from sabio.model import Model
from sabio.predictor import Predictor
from sabio.serializers import CSVSerializer
from sabio.session import Session

try:
    from tests.inference._models import user_model
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import user_model  # type: ignore[no-redef]


SERVE = """
import json
import os

import numpy as np


def model_fn(model_dir):
    with open(os.path.join(model_dir, "weights.json")) as fh:
        return np.asarray(json.load(fh))


def predict_fn(data, model):
    return np.asarray(data) @ model
"""


def test_predictor_deploy_predict_describe_delete(sabio_home: Path, tmp_path: Path) -> None:
    folder = user_model(tmp_path / "m")
    (folder / "code" / "inference.py").unlink()
    serve = tmp_path / "serve"
    serve.mkdir()
    (serve / "serve.py").write_text(SERVE)
    model = Model(str(folder), entry_point="serve.py", source_dir=str(serve), name="dot")
    predictor = model.deploy(
        endpoint_name="dot-ep", serializer=CSVSerializer(), deserializer=JSONDeserializer()
    )
    assert isinstance(predictor, Predictor)
    assert predictor.content_type == "text/csv"
    assert predictor.accept == ("application/json",)
    assert predictor.predict([[1, 1, 1], [1, 0, 0]]) == [6.0, 1.0]
    with pytest.raises(PayloadError, match="answered 400") as info:
        predictor.predict([[1, 2]])
    assert info.value.status_code == 400

    description = predictor.describe()
    assert description["EndpointStatus"] == "InService"
    assert description["Url"].startswith("http://127.0.0.1:")
    assert description["ProductionVariants"][0]["CurrentInstanceCount"] == 1

    attached = Predictor("dot-ep", Session(), serializer=CSVSerializer())
    assert attached.predict("1,2,3", initial_args={"Accept": "text/csv"}) == b"14.0"

    predictor.delete_model()
    predictor.delete_endpoint()
    with pytest.raises(NotFoundError, match="Endpoint 'dot-ep' does not exist"):
        predictor.describe()


def test_predictor_unknown_endpoint_suggests_names(sabio_home: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        Predictor("nothing-here").predict(b"1")


def test_predictor_deploy_rejects_unknown_arguments(sabio_home: Path, tmp_path: Path) -> None:
    model = Model(str(user_model(tmp_path / "m")))
    with pytest.raises(TypeError, match="Did you mean 'initial_instance_count'"):
        model.deploy(initial_instance_cont=1)
