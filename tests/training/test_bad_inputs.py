"""Bad input is refused with a clear message before a job exists, and loses nothing."""

from __future__ import annotations

import io
import math
import tarfile
from pathlib import Path
from typing import Any

import pytest

from sabio.estimator import Estimator
from sabio.exceptions import (
    ConflictError,
    NotFoundError,
    SabioError,
    UnknownInstanceTypeError,
    ValidationError,
)
from sabio.inputs import TrainingInput
from sabio.session import Session
from sabio.training import TRAINING

from .conftest import WriteFile


@pytest.fixture
def script(write_file: WriteFile) -> Path:
    return write_file("train.py", "print('training')\n")


def assert_nothing_recorded(session: Session) -> None:
    """No job in the catalog and no job folder in the workspace."""
    assert session.catalog.jobs(TRAINING).names() == []
    jobs = session.settings.jobs_dir
    assert not jobs.exists() or list(jobs.iterdir()) == []


def stored_objects(session: Session) -> list[str]:
    """Every object in every bucket of the store."""
    return [
        uri
        for bucket in session.store.list_buckets()
        for uri in session.store.list(f"s3://{bucket}")
    ]


# -- code ----------------------------------------------------------------------------------


def test_fit_missing_entry_point_raises_not_found(session: Session, tmp_path: Path) -> None:
    estimator = Estimator(entry_point=str(tmp_path / "nosuch.py"), sagemaker_session=session)
    with pytest.raises(NotFoundError, match=r"Entry point '.*nosuch\.py' does not exist"):
        estimator.fit(job_name="job-1")
    assert_nothing_recorded(session)
    assert stored_objects(session) == []


def test_fit_missing_source_dir_raises_not_found(session: Session, tmp_path: Path) -> None:
    estimator = Estimator(
        entry_point="train.py", source_dir=str(tmp_path / "nosuch"), sagemaker_session=session
    )
    with pytest.raises(NotFoundError, match=r"source_dir '.*nosuch' does not exist"):
        estimator.fit(job_name="job-1")
    assert_nothing_recorded(session)


def test_fit_entry_point_not_in_source_dir_raises_not_found(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    write_file("src/other.py", "")
    estimator = Estimator(
        entry_point="train.py", source_dir=str(tmp_path / "src"), sagemaker_session=session
    )
    with pytest.raises(NotFoundError, match=r"Entry point 'train\.py' not found in source_dir"):
        estimator.fit(job_name="job-1")
    assert_nothing_recorded(session)


def test_fit_missing_dependency_raises_not_found(
    session: Session, script: Path, tmp_path: Path
) -> None:
    estimator = Estimator(
        entry_point=str(script),
        dependencies=[str(tmp_path / "nolib")],
        sagemaker_session=session,
    )
    with pytest.raises(NotFoundError, match=r"Dependency '.*nolib' does not exist"):
        estimator.fit(job_name="job-1")
    assert_nothing_recorded(session)


def test_fit_entry_point_folder_without_source_dir_raises_validation(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    write_file("pkg/__main__.py", "")
    estimator = Estimator(entry_point=str(tmp_path / "pkg"), sagemaker_session=session)
    with pytest.raises(ValidationError, match="is a folder; pass source_dir="):
        estimator.fit(job_name="job-1")
    assert_nothing_recorded(session)


# -- channels ------------------------------------------------------------------------------


def test_fit_empty_channel_folder_raises_validation(
    session: Session, script: Path, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    with pytest.raises(ValidationError, match=r"Channel 'train' of job 'job-1' is empty") as info:
        estimator.fit({"train": str(tmp_path / "empty")}, job_name="job-1")
    assert "Session.upload_data" in str(info.value)
    assert_nothing_recorded(session)


@pytest.mark.parametrize("form", ["path", "file-uri"])
def test_fit_missing_local_channel_raises_not_found(
    session: Session, script: Path, tmp_path: Path, form: str
) -> None:
    missing = tmp_path / "nosuch"
    uri = str(missing) if form == "path" else f"file://{missing}"
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    with pytest.raises(NotFoundError, match=r"Channel 'train' of job 'job-1' points at .*nosuch"):
        estimator.fit({"train": uri}, job_name="job-1")
    assert_nothing_recorded(session)


def test_fit_missing_s3_channel_raises(session: Session, script: Path) -> None:
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    with pytest.raises(ValidationError, match=r"s3://sabio-default/no/such/prefix"):
        estimator.fit({"train": "s3://sabio-default/no/such/prefix"}, job_name="job-1")
    with pytest.raises(NotFoundError, match=r"Bucket 'no-such-bucket'"):
        estimator.fit({"train": "s3://no-such-bucket/data"}, job_name="job-1")
    assert_nothing_recorded(session)


def test_training_input_bad_distribution_raises_validation() -> None:
    with pytest.raises(ValidationError, match="Unknown distribution 'Sharded'"):
        TrainingInput("s3://b/k", distribution="Sharded")


def test_fit_bad_channel_name_raises_validation(session: Session, script: Path) -> None:
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    with pytest.raises(ValidationError, match="channel name 'bad name!' is invalid"):
        estimator.fit({"bad name!": str(script)}, job_name="job-1")
    assert session.catalog.jobs(TRAINING).names() == []


# -- instance types, hyperparameters, names ------------------------------------------------


def test_fit_unknown_instance_type_suggests_close_one(session: Session, script: Path) -> None:
    estimator = Estimator(
        entry_point=str(script), instance_type="ml.m5.larg", sagemaker_session=session
    )
    with pytest.raises(UnknownInstanceTypeError, match=r"Did you mean 'ml.m5.large'\?"):
        estimator.fit(job_name="job-1")
    assert_nothing_recorded(session)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({1, 2}, r"hyperparameter 'bad' = \{1, 2\} \(set\) is not JSON-serialisable"),
        (object(), r"hyperparameter 'bad' = .* \(object\) is not JSON-serialisable"),
        (math.nan, r"hyperparameter 'bad'.*NaN/inf are not allowed"),
        (math.inf, r"hyperparameter 'bad'.*NaN/inf are not allowed"),
        ({"nested": [1, math.nan]}, r"hyperparameter 'bad'.*not JSON-serialisable"),
    ],
    ids=["set", "object", "nan", "inf", "nested-nan"],
)
def test_fit_bad_hyperparameter_raises_validation(
    session: Session, script: Path, value: Any, message: str
) -> None:
    estimator = Estimator(
        entry_point=str(script), hyperparameters={"ok": 1, "bad": value}, sagemaker_session=session
    )
    with pytest.raises(ValidationError, match=message) as info:
        estimator.fit(job_name="job-1")
    assert "Invalid training job 'job-1'" in str(info.value)
    assert_nothing_recorded(session)


def test_set_hyperparameters_bad_value_raises_at_fit(session: Session, script: Path) -> None:
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    estimator.set_hyperparameters(epochs=3, when=object())
    assert estimator.hyperparameters()["epochs"] == 3
    with pytest.raises(ValidationError, match="'when'"):
        estimator.fit(job_name="job-1")
    assert_nothing_recorded(session)


@pytest.mark.parametrize("name", ["-leading", "trailing-", "has_underscore", "x" * 64, "a b"])
def test_fit_invalid_job_name_raises_validation(session: Session, script: Path, name: str) -> None:
    estimator = Estimator(entry_point=str(script), sagemaker_session=session)
    with pytest.raises(ValidationError, match="Invalid job name"):
        estimator.fit(job_name=name)
    assert_nothing_recorded(session)
    assert stored_objects(session) == []


def test_fit_duplicate_job_name_raises_conflict(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    script = write_file("train.py", "print('first')\n")
    first = Estimator(entry_point=str(script), sagemaker_session=session)
    first.fit(job_name="same-name", logs=False)
    before = session.describe_training_job("same-name")

    second = Estimator(entry_point=str(script), sagemaker_session=session)
    with pytest.raises(ConflictError, match="'same-name' already exists"):
        second.fit(job_name="same-name")
    assert second.latest_training_job is None
    after = session.describe_training_job("same-name")
    assert after["TrainingJobStatus"] == "Completed"
    assert after["SecondaryStatusTransitions"] == before["SecondaryStatusTransitions"]
    assert session.catalog.jobs(TRAINING).names() == ["same-name"]
    with pytest.raises(NotFoundError, match=r"Did you mean 'same-name'\?"):
        Estimator.attach("same-nam", sagemaker_session=session)


def _refused_fit(case: str, tmp_path: Path) -> tuple[dict[str, Any], dict[str, str] | None]:
    """Estimator arguments and fit() inputs of a fit that is refused."""
    (tmp_path / "empty").mkdir(exist_ok=True)
    return {
        "bad-hyperparameter": ({"hyperparameters": {"bad": {1}}}, None),
        "unknown-instance-type": ({"instance_type": "ml.m5.larg"}, None),
        "empty-channel": ({}, {"train": str(tmp_path / "empty")}),
        "missing-channel": ({}, {"train": str(tmp_path / "nosuch")}),
    }[case]


@pytest.mark.parametrize(
    "case", ["bad-hyperparameter", "unknown-instance-type", "empty-channel", "missing-channel"]
)
def test_fit_refused_leaves_nothing_in_store(
    session: Session, script: Path, tmp_path: Path, case: str
) -> None:
    kwargs, inputs = _refused_fit(case, tmp_path)
    estimator = Estimator(entry_point=str(script), sagemaker_session=session, **kwargs)
    with pytest.raises(SabioError):
        estimator.fit(inputs, job_name="job-1")
    assert_nothing_recorded(session)
    assert stored_objects(session) == []


def test_fit_duplicate_job_name_keeps_existing_code(
    session: Session, write_file: WriteFile
) -> None:
    script = write_file("train.py", "print('first')\n")
    Estimator(entry_point=str(script), sagemaker_session=session).fit(
        job_name="same-name", logs=False
    )
    script.write_text("print('second')\n")
    with pytest.raises(ConflictError):
        Estimator(entry_point=str(script), sagemaker_session=session).fit(job_name="same-name")
    data = session.store.get_bytes("s3://sabio-default/same-name/source/sourcedir.tar.gz")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert tar.extractfile("train.py").read() == b"print('first')\n"  # type: ignore[union-attr]


# -- constructor arguments -----------------------------------------------------------------


def test_estimator_unknown_kwarg_raises_type_error_with_hint(session: Session) -> None:
    with pytest.raises(
        TypeError,
        match=r"unexpected keyword argument 'hyperparameter'.*"
        r"Did you mean 'hyperparameters'\?",
    ):
        Estimator(entry_point="train.py", hyperparameter={}, sagemaker_session=session)


def test_estimator_cloud_only_kwargs_are_accepted(session: Session) -> None:
    estimator = Estimator(
        entry_point="train.py",
        instance_type="ml.m5.large",
        use_spot_instances=True,
        max_wait=3600,
        volume_size=50,
        checkpoint_s3_uri="s3://bucket/checkpoints",
        enable_sagemaker_metrics=True,
        sagemaker_session=session,
    )
    assert estimator.instance_type == "ml.m5.large"


def test_estimator_bad_instance_count_raises_validation(session: Session) -> None:
    with pytest.raises(ValidationError, match="instance_count must be at least 1"):
        Estimator(entry_point="train.py", instance_count=0, sagemaker_session=session)


def test_estimator_results_before_fit_raise_validation(session: Session) -> None:
    estimator = Estimator(entry_point="train.py", sagemaker_session=session)
    with pytest.raises(ValidationError, match=r"call fit\(\) first"):
        estimator.model_data  # noqa: B018


def test_fit_image_uri_not_builtin_without_entry_point_raises(session: Session) -> None:
    estimator = Estimator(
        image_uri="123.dkr.ecr.us-east-1.amazonaws.com/mine:1", sagemaker_session=session
    )
    with pytest.raises(ValidationError, match="is not a sabio built-in"):
        estimator.fit(job_name="job-1")
    assert_nothing_recorded(session)
