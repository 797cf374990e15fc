"""An unknown or unavailable backend is refused wherever it is named, and a refused
submission leaves nothing behind (issue 19, finding 12)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from tests._servers import free_port

from sabio import supervision
from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.exceptions import ConfigError
from sabio.session import Session
from sabio.training import TRAINING, TrainingJobSpec
from sabio.training import submit as submit_training
from sabio.transform import TRANSFORM, TransformJobSpec
from sabio.transform import submit as submit_transform

needs_no_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is not None, reason="ray is installed here"
)


@needs_no_ray
def test_session_backend_ray_without_extra_is_refused(sabio_home: Path) -> None:
    with pytest.raises(ConfigError, match=r"pip install 'sabio\[ray\]'") as caught:
        Session(backend="ray")
    assert "backend='local'" in str(caught.value)


@needs_no_ray
def test_sabio_backend_env_ray_is_refused(
    sabio_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SABIO_BACKEND", "ray")
    with pytest.raises(ConfigError, match=r"needs the ray extra"):
        Session()


@needs_no_ray
def test_config_file_backend_ray_is_refused(sabio_home: Path) -> None:
    (sabio_home / "config.toml").write_text('backend = "ray"\n')
    with pytest.raises(ConfigError, match=r"needs the ray extra"):
        Session()


def test_unknown_backend_names_valid_ones(sabio_home: Path) -> None:
    expected = r"Unknown backend 'rey'\. Did you mean 'ray'\?"
    with pytest.raises(ConfigError, match=expected) as caught:
        Session(backend="rey")
    assert "Valid backends: local, ray" in str(caught.value)


def _ray_settings(home: Path):  # type: ignore[no-untyped-def]
    """Ray as the backend, where it cannot run: not installed, or no cluster at the address
    (a port where nothing listens)."""
    env = {
        "SABIO_HOME": str(home),
        "SABIO_BACKEND": "ray",
        "RAY_ADDRESS": f"127.0.0.1:{free_port()}",
    }
    return load_settings(env=env)


def test_refused_training_submission_leaves_nothing(sabio_home: Path) -> None:
    settings = _ray_settings(sabio_home)
    spec = TrainingJobSpec(
        job_name="refused-training",
        builtin_module="sabio.algorithms.xgboost",
        output_path="s3://bucket/out",
    )
    with pytest.raises(ConfigError, match=r"(?i)ray"):
        submit_training(settings, spec)
    assert not Catalog.open(settings).jobs(TRAINING).exists("refused-training")
    assert not (sabio_home / TRAINING.folder / "refused-training").exists()


def test_refused_transform_submission_leaves_nothing(sabio_home: Path) -> None:
    settings = _ray_settings(sabio_home)
    spec = TransformJobSpec(
        job_name="refused-transform",
        model_name="no-such-model",
        data="s3://bucket/in",
        output_path="s3://bucket/out",
    )
    with pytest.raises(ConfigError, match=r"(?i)ray"):
        submit_transform(settings, spec)
    assert not Catalog.open(settings).jobs(TRANSFORM).exists("refused-transform")
    assert not (sabio_home / TRANSFORM.folder / "refused-transform").exists()


def test_launch_with_unavailable_backend_fails_record_with_reason(sabio_home: Path) -> None:
    # The backstop for a record made before the backend was checked: never left InProgress.
    settings = _ray_settings(sabio_home)
    jobs = Catalog.open(settings).jobs(TRAINING)
    jobs.create("recorded-first", {}, status="InProgress", secondary_status="Starting")
    with pytest.raises(ConfigError):
        supervision.launch(settings, TRAINING, "recorded-first")
    record = jobs.get("recorded-first")
    assert record.status == "Failed"
    assert record.failure_reason is not None
    assert record.failure_reason.startswith("ClientError: ")
    assert "backend='local'" in record.failure_reason or "ray" in record.failure_reason
