"""prepare_model as SageMaker's local mode: a single model file, and import-error hints."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio._config import load_settings
from sabio.exceptions import ValidationError
from sabio.inference import ModelSpec, prepare_model
from sabio.storage import Store


def _serve(folder: Path, source: str) -> Path:
    folder.mkdir()
    (folder / "inference.py").write_text(source)
    return folder


def test_prepare_model_single_local_file_lands_in_the_model_dir(
    sabio_home: Path, tmp_path: Path
) -> None:
    (tmp_path / "xgboost-model").write_text("{}")
    code = _serve(
        tmp_path / "code", "def model_fn(d):\n    return sorted(__import__('os').listdir(d))\n"
    )
    spec = ModelSpec(
        model_data_url=f"file://{tmp_path}/xgboost-model",
        source_dir=str(code),
        entry_point="inference.py",
    )
    model_dir, handlers = prepare_model(load_settings(), spec, tmp_path / "dest")
    assert (model_dir / "xgboost-model").read_text() == "{}"
    assert handlers.load_model() == ["xgboost-model"]


def test_prepare_model_single_stored_file(sabio_home: Path, tmp_path: Path) -> None:
    settings = load_settings()
    store = Store(settings)
    store.create_bucket("models")
    store.put_bytes("s3://models/m/model.joblib", b"not a tar archive")
    code = _serve(
        tmp_path / "code",
        "import pathlib\n"
        "def model_fn(d):\n"
        "    return pathlib.Path(d, 'model.joblib').read_text()\n",
    )
    spec = ModelSpec(
        model_data_url="s3://models/m/model.joblib",
        source_dir=str(code),
        entry_point="inference.py",
    )
    _, handlers = prepare_model(settings, spec, tmp_path / "dest")
    assert handlers.load_model() == "not a tar archive"


def test_missing_module_hint_names_requirements_not_a_main_guard(
    sabio_home: Path, tmp_path: Path
) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    code = _serve(tmp_path / "code", "import sabio_no_such_module\n")
    spec = ModelSpec(
        model_data_url=str(tmp_path / "model.bin"), source_dir=str(code), entry_point="inference.py"
    )
    with pytest.raises(ValidationError) as info:
        prepare_model(load_settings(), spec, tmp_path / "dest")
    message = str(info.value)
    assert "'sabio_no_such_module' is not installed" in message
    assert "requirements.txt" in message
    assert "__main__" not in message


def test_other_import_errors_keep_the_main_guard_hint(sabio_home: Path, tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    code = _serve(tmp_path / "code", "import os\nos.environ['SM_CHANNEL_TRAIN']\n")
    spec = ModelSpec(
        model_data_url=str(tmp_path / "model.bin"), source_dir=str(code), entry_point="inference.py"
    )
    with pytest.raises(ValidationError, match=r"KeyError.*__main__"):
        prepare_model(load_settings(), spec, tmp_path / "dest")
