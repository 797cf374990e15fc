"""Findings 1 and 2 of issue 19 on real endpoints: a crafted built-in model archive neither
writes outside the workspace nor runs code the user did not name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sabio import serving
from sabio._config import Settings
from sabio.exceptions import JobFailedError, ValidationError
from sabio.inference import ModelSpec, load_handlers

from ._archives import add_link, write_tar

try:
    from tests.inference._models import diabetes_row, trained_xgboost
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from inference._models import diabetes_row, trained_xgboost  # type: ignore[no-redef]

XGBOOST = "sabio.algorithms.xgboost"


def _planted(model: Path, marker: Path) -> Path:
    """``model`` plus a ``code/inference.py`` that leaves ``marker`` when it is imported."""
    (model / "code").mkdir()
    (model / "code" / "inference.py").write_text(
        f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\n"
        "def predict_fn(data, model):\n    return [42.0]\n"
    )
    return model


def _archive(folder: Path, archive: Path, extra: list[tuple[str, str]] = ()) -> Path:  # type: ignore[assignment]
    with write_tar(archive) as tar:
        for path in sorted(folder.rglob("*")):
            tar.add(path, arcname=path.relative_to(folder).as_posix(), recursive=False)
        for name, target in extra:
            add_link(tar, name, target)
    return archive


def test_builtin_model_ignores_code_in_its_archive(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    model = _planted(Path(shutil.copytree(trained_xgboost(), tmp_path / "model")), marker)
    # By the built-in's image, and by the sabio-model.json the archive carries.
    for builtin in (XGBOOST, None):
        handlers = load_handlers(model, builtin_module=builtin)
        assert handlers.source == f"{XGBOOST}.inference"
        assert not marker.exists()
    # Named by the user: it runs.
    handlers = load_handlers(model, entry_point="inference.py")
    assert handlers.source == "inference.py" and marker.exists()


def test_archive_cannot_name_a_module_to_import(tmp_path: Path) -> None:
    model = tmp_path / "m"
    model.mkdir()
    (model / "sabio-model.json").write_text('{"algorithm": "xgboost._train"}')
    with pytest.raises(ValidationError, match="not a sabio built-in"):
        load_handlers(model)


def test_endpoint_of_builtin_serves_the_builtin_not_archive_code(
    workspace: Settings, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    model = _planted(Path(shutil.copytree(trained_xgboost(), tmp_path / "model")), marker)
    archive = _archive(model, tmp_path / "model.tar.gz")
    spec = ModelSpec(model_data_url=str(archive), builtin_module=XGBOOST)
    serving.create_model(workspace, "planted", spec)
    record = serving.create_endpoint(workspace, "ep-planted", "planted")
    client = serving.EndpointClient(record.details["Url"], "ep-planted")
    body, _ = client.invoke(diabetes_row().encode(), "text/csv", "text/csv")
    client.close()
    assert float(body) != 42.0
    assert not marker.exists()
    serving.delete_endpoint(workspace, "ep-planted")


def test_endpoint_with_escaping_archive_fails_and_writes_nothing_outside(
    workspace: Settings, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    archive = _archive(trained_xgboost(), tmp_path / "model.tar.gz", [("esc", str(outside))])
    serving.create_model(workspace, "escape", ModelSpec(model_data_url=str(archive)))
    with pytest.raises(JobFailedError, match="Refused to extract member 'esc'"):
        serving.create_endpoint(workspace, "ep-escape", "escape")
    assert list(outside.iterdir()) == []
    serving.delete_endpoint(workspace, "ep-escape")
