"""Behaviour specific to the S3 store (on the moto server): real buckets, foreign keys."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from sabio._config import Settings
from sabio.exceptions import InvalidKeyError, StorageError
from sabio.storage import Store

pytestmark = pytest.mark.s3


def _boto_client(store: Store) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=store.settings.s3_endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


def test_s3_store_uris_are_real_bucket_keys(s3_store: Store, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("1,2\n")
    uri = s3_store.upload(source, key_prefix="p")
    bucket = s3_store.settings.default_bucket
    assert uri == f"s3://{bucket}/p/a.csv"
    client = _boto_client(s3_store)
    body = client.get_object(Bucket=bucket, Key="p/a.csv")["Body"].read()
    assert body == b"1,2\n"
    assert s3_store.kind == "s3"
    assert s3_store.local_path(uri) is None


def test_s3_store_download_refuses_traversal_keys(s3_store: Store, tmp_path: Path) -> None:
    bucket = s3_store.default_bucket()
    client = _boto_client(s3_store)
    client.put_object(Bucket=bucket, Key="data/ok.csv", Body=b"ok")
    client.put_object(Bucket=bucket, Key="data/../../evil.sh", Body=b"rm -rf")
    with pytest.raises(InvalidKeyError, match=r"contains '\.\.'"):
        s3_store.download(f"s3://{bucket}/data", tmp_path / "down")
    assert not (tmp_path / "evil.sh").exists()


def test_s3_store_ignores_folder_marker_objects(s3_store: Store) -> None:
    bucket = s3_store.default_bucket()
    client = _boto_client(s3_store)
    client.put_object(Bucket=bucket, Key="console/", Body=b"")
    client.put_object(Bucket=bucket, Key="console/x.txt", Body=b"x")
    assert s3_store.list(f"s3://{bucket}/console") == [f"s3://{bucket}/console/x.txt"]


def test_s3_store_unreachable_endpoint_raises_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # fail fast: no botocore retries
    settings = Settings(
        home=tmp_path,
        database_url="sqlite://",
        store_url="s3://",
        s3_endpoint_url="http://127.0.0.1:9",  # discard port: nothing listens
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
        default_bucket=f"nowhere-{uuid.uuid4().hex[:8]}",
    )
    store = Store(settings)
    store._objects.fs.retries = 1  # type: ignore[attr-defined]  # fail fast in the test
    with pytest.raises(StorageError, match=r"Check the S3 endpoint \(http://127.0.0.1:9"):
        store.put_bytes(f"s3://{settings.default_bucket}/x", b"x")
