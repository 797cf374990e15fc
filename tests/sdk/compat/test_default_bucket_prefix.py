"""``Session.default_bucket_prefix``: None by default; set, it prefixes default S3 paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.estimator import Estimator
from sabio.session import Session


def test_default_bucket_prefix_is_none_by_default(sabio_home: Path) -> None:
    session = Session()
    assert session.default_bucket_prefix is None
    assert session.default_s3_uri("job") == "s3://sabio-default/job"


def test_default_bucket_prefix_prefixes_uploads_and_outputs(
    sabio_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SABIO_DEFAULT_BUCKET_PREFIX", "/team-a/")
    session = Session()
    assert session.default_bucket_prefix == "team-a"
    (tmp_path / "train.csv").write_text("1,2\n")
    uri = session.upload_data(str(tmp_path / "train.csv"), key_prefix="data/train")
    assert uri == "s3://sabio-default/team-a/data/train/train.csv"
    # An explicit bucket is used as given, as in SageMaker.
    explicit = session.upload_data(
        str(tmp_path / "train.csv"), bucket="sabio-default", key_prefix="x"
    )
    assert explicit == "s3://sabio-default/x/train.csv"
    estimator = Estimator(entry_point="train.py", sagemaker_session=session)
    assert estimator._output_path() == "s3://sabio-default/team-a"


def test_default_bucket_prefix_argument_wins(sabio_home: Path) -> None:
    session = Session(default_bucket_prefix="notebooks")
    assert session.default_s3_uri("a", "b") == "s3://sabio-default/notebooks/a/b"
