"""TensorFlow SavedModels are served with TensorFlow Serving's REST contract; without
TensorFlow installed, loading one fails with a clear error saying how to install it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from sabio.exceptions import ValidationError
from sabio.inference import PayloadError, load_handlers
from sabio.inference._tensorflow import find_saved_model

HAS_TF = importlib.util.find_spec("tensorflow") is not None


def test_saved_model_found_in_a_version_folder(tmp_path: Path) -> None:
    for version in ("1", "12", "3"):
        (tmp_path / "model" / version).mkdir(parents=True)
        (tmp_path / "model" / version / "saved_model.pb").write_bytes(b"")
    assert find_saved_model(tmp_path) == tmp_path / "model" / "12"
    assert find_saved_model(tmp_path / "model" / "3") == tmp_path / "model" / "3"


@pytest.mark.skipif(HAS_TF, reason="TensorFlow is installed")
def test_saved_model_without_tensorflow_says_how_to_install_it(tmp_path: Path) -> None:
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "saved_model.pb").write_bytes(b"\x08\x01")
    handlers = load_handlers(tmp_path)
    with pytest.raises(ValidationError, match=r"sabio\[tensorflow\]"):
        handlers.load_model()


@pytest.mark.skipif(not HAS_TF, reason="needs the tensorflow extra (pip install tensorflow-cpu)")
def test_saved_model_answers_tensorflow_serving_requests(tmp_path: Path) -> None:
    import tensorflow as tf

    class Scale(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="x")])
        def serve(self, x: tf.Tensor) -> dict[str, tf.Tensor]:
            return {"y": tf.reduce_sum(x, axis=1, keepdims=True) * 2.0}

    module = Scale()
    tf.saved_model.save(module, str(tmp_path / "1"), signatures={"serving_default": module.serve})
    handlers = load_handlers(tmp_path)
    model = handlers.load_model()
    body, kind, _ = handlers.invoke(
        model, b'{"instances": [[1, 2], [3, 4]]}', "application/json", "application/json"
    )
    assert kind == "application/json" and json.loads(body) == {"predictions": [[6.0], [14.0]]}
    body, _, _ = handlers.invoke(model, b'{"inputs": {"x": [[1, 1]]}}', "application/json", "*/*")
    assert json.loads(body) == {"outputs": [[4.0]]}
    body, _, _ = handlers.invoke(model, b"1,2\n", "text/csv", "*/*")
    assert json.loads(body) == {"predictions": [[6.0]]}
    with pytest.raises(PayloadError, match="instances"):
        handlers.invoke(model, b'{"rows": []}', "application/json", "*/*")
