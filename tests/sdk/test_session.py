"""``sabio.Session`` in SageMaker's shape: buckets, upload/download, role."""

from __future__ import annotations

from pathlib import Path

import pytest

import sabio
from sabio.exceptions import InvalidKeyError, NotFoundError
from sabio.session import LOCAL_ROLE, Session
from sabio.training import TRAINING


@pytest.fixture
def session(sabio_home: Path) -> Session:
    return Session()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    (folder / "train.csv").write_text("a,b\n1,2\n")
    (folder / "sub" / "more.csv").write_text("3,4\n")
    return folder


def test_session_settings_come_from_sabio_home(session: Session, sabio_home: Path) -> None:
    assert session.settings.home == sabio_home.resolve()
    assert session.settings.database_url == f"sqlite:///{sabio_home.resolve() / 'catalog.db'}"
    assert session.settings.store_url == f"file://{sabio_home.resolve() / 'store'}"
    assert session.boto_region_name == "us-east-1"


def test_session_accepts_and_ignores_boto_arguments(sabio_home: Path) -> None:
    session = Session(boto_session=object(), sagemaker_client=object(), other=1)
    assert session.default_bucket() == "sabio-default"


def test_default_bucket_is_created(session: Session) -> None:
    assert session.default_bucket() == "sabio-default"
    assert session.store.bucket_exists("sabio-default")


def test_default_bucket_from_argument(sabio_home: Path) -> None:
    session = Session(default_bucket="my-team")
    assert session.default_bucket() == "my-team"
    assert session.store.bucket_exists("my-team")


def test_upload_data_folder_returns_prefix_uri(session: Session, data: Path) -> None:
    uri = session.upload_data(str(data), key_prefix="insurance/train")
    assert uri == "s3://sabio-default/insurance/train"
    assert session.list_s3_files("sabio-default", "insurance/train") == [
        "insurance/train/sub/more.csv",
        "insurance/train/train.csv",
    ]


def test_upload_data_file_returns_object_uri(session: Session, data: Path) -> None:
    uri = session.upload_data(data / "train.csv", key_prefix="insurance/raw/")
    assert uri == "s3://sabio-default/insurance/raw/train.csv"
    assert session.read_s3_file("sabio-default", "insurance/raw/train.csv") == "a,b\n1,2\n"


def test_upload_data_to_named_bucket(session: Session, data: Path) -> None:
    session.store.create_bucket("other")
    assert session.upload_data(data, bucket="other", key_prefix="x") == "s3://other/x"
    with pytest.raises(NotFoundError, match="nosuch"):
        session.upload_data(data, bucket="nosuch", key_prefix="x")


def test_upload_data_missing_path_raises_not_found(session: Session, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such file or folder"):
        session.upload_data(tmp_path / "nosuch.csv")


def test_upload_data_path_traversal_key_raises(session: Session, data: Path) -> None:
    with pytest.raises(InvalidKeyError):
        session.upload_data(data, key_prefix="../escape")
    assert session.list_s3_files("sabio-default", "") == []


def test_download_data_round_trip(session: Session, data: Path, tmp_path: Path) -> None:
    session.upload_data(data, key_prefix="sets/a")
    files = session.download_data(tmp_path / "out", "sabio-default", key_prefix="sets/a")
    out = tmp_path / "out"
    assert files == [str(out / "sub" / "more.csv"), str(out / "train.csv")]
    assert (tmp_path / "out" / "train.csv").read_text() == "a,b\n1,2\n"

    one = session.download_data(tmp_path / "one", "sabio-default", key_prefix="sets/a/train.csv")
    assert one == [str(tmp_path / "one" / "train.csv")]


def test_download_data_missing_prefix_raises_not_found(session: Session, tmp_path: Path) -> None:
    session.default_bucket()
    with pytest.raises(NotFoundError, match="nothing"):
        session.download_data(tmp_path, "sabio-default", key_prefix="nothing/here")


def test_upload_string_as_file_body(session: Session) -> None:
    session.default_bucket()
    uri = session.upload_string_as_file_body("hello", "sabio-default", "notes/a.txt")
    assert uri == "s3://sabio-default/notes/a.txt"
    assert session.read_s3_file("sabio-default", "notes/a.txt") == "hello"


def test_get_execution_role_is_local_arn() -> None:
    assert sabio.get_execution_role() == LOCAL_ROLE
    assert LOCAL_ROLE.startswith("arn:aws:iam::")


def test_describe_training_job_unknown_suggests(session: Session) -> None:
    session.catalog.jobs(TRAINING).create(
        "insurance-xgb-1", {}, status="InProgress", secondary_status="Starting"
    )
    with pytest.raises(NotFoundError, match=r"Did you mean 'insurance-xgb-1'\?"):
        session.describe_training_job("insurance-xgb-2")
