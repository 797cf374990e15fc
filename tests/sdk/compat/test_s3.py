"""``sagemaker.s3``: S3Uploader, S3Downloader, s3_path_join and parse_s3_url."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.s3 import S3Downloader, S3Uploader, parse_s3_url, s3_path_join
from sabio.session import Session


def test_s3_path_join_collapses_slashes_and_skips_empty_parts() -> None:
    assert s3_path_join("s3://", "bucket", "prefix/", "/key") == "s3://bucket/prefix/key"
    assert s3_path_join("s3://bucket", None, "", "a") == "s3://bucket/a"
    assert s3_path_join("a", "b", with_end_slash=True) == "a/b/"
    assert s3_path_join("s3://bucket/", with_end_slash=True) == "s3://bucket/"


def test_parse_s3_url_splits_and_refuses_other_schemes() -> None:
    assert parse_s3_url("s3://bucket/a/b.csv") == ("bucket", "a/b.csv")
    assert parse_s3_url("s3://bucket") == ("bucket", "")
    with pytest.raises(ValueError, match="Expecting 's3' scheme, got: file"):
        parse_s3_url("file:///tmp/x")


def test_s3_uploader_and_downloader_round_trip(sabio_home: Path, tmp_path: Path) -> None:
    session = Session()
    bucket = session.default_bucket()
    folder = tmp_path / "train"
    (folder / "part").mkdir(parents=True)
    (folder / "a.csv").write_text("1,2\n")
    (folder / "part" / "b.csv").write_text("3,4\n")

    single = S3Uploader.upload(
        str(folder / "a.csv"), f"s3://{bucket}/one", sagemaker_session=session
    )
    assert single == f"s3://{bucket}/one/a.csv"
    prefix = S3Uploader.upload(str(folder), f"s3://{bucket}/many", sagemaker_session=session)
    assert prefix == f"s3://{bucket}/many"
    body = S3Uploader.upload_string_as_file_body(
        "hello", f"s3://{bucket}/notes/hello.txt", sagemaker_session=session
    )
    assert body == f"s3://{bucket}/notes/hello.txt"
    S3Uploader.upload_bytes(b"\x00\x01", f"s3://{bucket}/notes/raw.bin", sagemaker_session=session)

    assert S3Downloader.list(f"s3://{bucket}/many", sagemaker_session=session) == [
        f"s3://{bucket}/many/a.csv",
        f"s3://{bucket}/many/part/b.csv",
    ]
    assert S3Downloader.read_file(body, sagemaker_session=session) == "hello"
    assert S3Downloader.read_bytes(f"s3://{bucket}/notes/raw.bin", session) == b"\x00\x01"
    written = S3Downloader.download(
        f"s3://{bucket}/many", str(tmp_path / "copy"), sagemaker_session=session
    )
    assert sorted(Path(p).read_text() for p in written) == ["1,2\n", "3,4\n"]
    assert (tmp_path / "copy" / "part" / "b.csv").read_text() == "3,4\n"
