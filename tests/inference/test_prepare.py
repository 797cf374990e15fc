"""prepare_model: model data and code from the store or local paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio._config import load_settings
from sabio.exceptions import NotFoundError, ValidationError
from sabio.inference import ModelSpec, prepare_model
from sabio.storage import Store

from ._models import pack, user_model


def test_prepare_model_from_store_archive(sabio_home: Path, tmp_path: Path) -> None:
    settings = load_settings()
    store = Store(settings)
    store.create_bucket("models")
    archive = pack(user_model(tmp_path / "src"), tmp_path / "model.tar.gz")
    store.put_file(archive, "s3://models/a/model.tar.gz")
    spec = ModelSpec.from_create_model(
        {"PrimaryContainer": {"ModelDataUrl": "s3://models/a/model.tar.gz"}}
    )
    model_dir, handlers = prepare_model(settings, spec, tmp_path / "dest")
    assert (model_dir / "weights.json").is_file()
    assert handlers.source == "inference.py"


def test_prepare_model_local_folder_and_source_dir(sabio_home: Path, tmp_path: Path) -> None:
    model = user_model(tmp_path / "src")
    (model / "code" / "inference.py").unlink()
    serve = tmp_path / "serve"
    serve.mkdir()
    (serve / "handler.py").write_text("def model_fn(d):\n    return 1\n")
    spec = ModelSpec(model_data_url=str(model), source_dir=str(serve), entry_point="handler.py")
    _, handlers = prepare_model(load_settings(), spec, tmp_path / "dest")
    assert handlers.source == "handler.py"
    assert handlers.load_model() == 1


def test_prepare_model_corrupt_archive(sabio_home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "model.tar.gz"
    bad.write_bytes(b"definitely not gzip")
    with pytest.raises(ValidationError, match=r"not a readable \.tar\.gz archive"):
        prepare_model(load_settings(), ModelSpec(model_data_url=str(bad)), tmp_path / "dest")


def test_prepare_model_missing_data(sabio_home: Path, tmp_path: Path) -> None:
    settings = load_settings()
    Store(settings).create_bucket("models")
    with pytest.raises(NotFoundError, match="does not exist in the store"):
        missing = ModelSpec(model_data_url="s3://models/nope.tar.gz")
        prepare_model(settings, missing, tmp_path / "d")
    with pytest.raises(ValidationError, match="no ModelDataUrl"):
        prepare_model(settings, ModelSpec(model_name="m"), tmp_path / "d")
