"""Handler resolution and invocation: built-ins, user modules, SageMaker's conventions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sabio.exceptions import NotFoundError, ValidationError
from sabio.inference import ModelError, PayloadError, load_handlers, status_for

from ._models import diabetes_row, trained_xgboost, user_model


def test_handlers_builtin_found_from_model_metadata() -> None:
    handlers = load_handlers(trained_xgboost())
    assert handlers.source == "sabio.algorithms.xgboost.inference"
    model = handlers.load_model()
    body, content_type, timings = handlers.invoke(
        model, diabetes_row().encode(), "text/csv", "application/json"
    )
    assert content_type == "application/json"
    assert "score" in json.loads(body)["predictions"][0]
    assert set(timings) == {"decode", "predict", "encode"}


@pytest.mark.parametrize(
    ("body", "content_type", "accept", "status", "message"),
    [
        (b"1,2,3", "text/csv", "application/json", 400, "expected 10 features"),
        (b"1,2,3", "image/png", "application/json", 415, "Unsupported content type"),
        (None, "text/csv", "image/png", 406, "accept type"),
        (b"{bad", "application/json", "application/json", 400, "not valid JSON"),
    ],
)
def test_handlers_builtin_bad_input_maps_to_4xx(
    body: bytes | None, content_type: str, accept: str, status: int, message: str
) -> None:
    handlers = load_handlers(trained_xgboost())
    model = handlers.load_model()
    with pytest.raises(PayloadError, match=message) as info:
        handlers.invoke(model, body or diabetes_row().encode(), content_type, accept)
    assert info.value.status_code == status
    assert status_for(info.value) == status


def test_handlers_user_module_with_default_decoding(tmp_path: Path) -> None:
    handlers = load_handlers(user_model(tmp_path / "m"))
    assert handlers.source == "inference.py"
    model = handlers.load_model()
    body, kind, _ = handlers.invoke(model, b"1,1,1\n0,0,1", "text/csv", "text/csv")
    assert (body, kind) == (b"6.0\n3.0", "text/csv")


def test_handlers_user_module_wrong_feature_count_is_400(tmp_path: Path) -> None:
    handlers = load_handlers(user_model(tmp_path / "m"))
    with pytest.raises(PayloadError, match="expected 3 features, got 2") as info:
        handlers.invoke(handlers.load_model(), b"1,2", "text/csv", "application/json")
    assert info.value.status_code == 400


CONTEXT_MODULE = """
import json

def model_fn(model_dir, context):
    return {"dir": context.system_properties["model_dir"]}

def input_fn(body, content_type, context):
    assert isinstance(body, str)  # text types arrive decoded, as in SageMaker's containers
    return json.loads(body)

def predict_fn(data, model, context):
    return {"sum": sum(data), "has_dir": bool(model["dir"])}

def output_fn(prediction, accept, context):
    return json.dumps(prediction), "application/vnd.custom+json"
"""


def test_handlers_context_argument_and_tuple_content_type(tmp_path: Path) -> None:
    handlers = load_handlers(user_model(tmp_path / "m", CONTEXT_MODULE))
    body, kind, _ = handlers.invoke(handlers.load_model(), b"[1, 2]", "application/json", "*/*")
    assert kind == "application/vnd.custom+json"
    assert json.loads(body) == {"sum": 3, "has_dir": True}


TRANSFORM_MODULE = """
def model_fn(model_dir):
    return 10

def transform_fn(model, body, content_type, accept):
    return {"echo": len(body) * model}
"""


def test_handlers_transform_fn_plain_dict_answer(tmp_path: Path) -> None:
    handlers = load_handlers(user_model(tmp_path / "m", TRANSFORM_MODULE))
    body, kind, timings = handlers.invoke(handlers.load_model(), b"abc", "text/plain", "*/*")
    assert (json.loads(body), kind) == ({"echo": 30}, "application/json")
    assert timings["predict"] >= 0


TRAIN_SCRIPT = """
import numpy as np

def model_fn(model_dir):
    return np.ones(2)

def predict_fn(data, model):
    return data @ model

if __name__ == "__main__":
    raise SystemExit("training must not run when serving")
"""


def test_handlers_training_script_as_entry_point(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "train.py").write_text(TRAIN_SCRIPT)
    handlers = load_handlers(tmp_path / "model", code_dir=tmp_path / "code", entry_point="train.py")
    body, _, _ = handlers.invoke(handlers.load_model(), b"[[1, 2]]", "application/json", "*/*")
    assert json.loads(body) == [3.0]


def test_handlers_missing_entry_point_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    with pytest.raises(NotFoundError, match=r"'serve\.py' not found"):
        load_handlers(tmp_path / "model", entry_point="serve.py")


def test_handlers_no_model_fn_and_no_known_file(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "weights.bin").write_bytes(b"x")
    handlers = load_handlers(tmp_path / "model")
    with pytest.raises(ValidationError, match=r"Define model_fn\(model_dir\)"):
        handlers.load_model()


def test_handlers_broken_user_module_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"Importing the inference code inference\.py failed"):
        load_handlers(user_model(tmp_path / "m", "import not_a_module_xyz\n"))


def test_handlers_crashing_predict_is_model_error(tmp_path: Path) -> None:
    module = (
        "def model_fn(d):\n    return 1\n\ndef predict_fn(x, m):\n    raise RuntimeError('boom')\n"
    )
    handlers = load_handlers(user_model(tmp_path / "m", module))
    with pytest.raises(RuntimeError, match="boom") as info:
        handlers.invoke(handlers.load_model(), b"[1]", "application/json", "*/*")
    assert status_for(info.value) == 500
    assert status_for(ModelError("x")) == 500


def test_handlers_default_xgboost_model_without_metadata(tmp_path: Path) -> None:
    import shutil

    shutil.copy(trained_xgboost() / "xgboost-model", tmp_path / "xgboost-model")
    handlers = load_handlers(tmp_path)
    body, _, _ = handlers.invoke(
        handlers.load_model(), diabetes_row().encode(), "text/csv", "application/json"
    )
    assert np.asarray(json.loads(body)).shape == (1,)


def test_handlers_default_predict_follows_the_model_it_is_given(tmp_path: Path) -> None:
    import xgboost as xgb
    from sklearn.datasets import load_diabetes

    x, y = load_diabetes(return_X_y=True)
    params = {"objective": "reg:squarederror", "max_depth": 3, "nthread": 1}
    boosters = [xgb.train(params, xgb.DMatrix(x, label=y * k), 5) for k in (1.0, 2.0)]
    handlers = load_handlers(
        user_model(tmp_path / "m", "def model_fn(model_dir):\n    return None\n")
    )
    for _ in range(2):  # each model's own answer, also after the other one
        for booster in boosters:
            got = handlers.predict(booster, x[:2])
            np.testing.assert_array_equal(got, booster.inplace_predict(x[:2]))
