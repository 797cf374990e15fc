"""The test servers of ``tests/_servers.py`` work: moto speaks S3, PostgreSQL accepts SQL."""

from __future__ import annotations

import uuid

import pytest


@pytest.mark.s3
def test_moto_server_speaks_s3_over_http(s3_endpoint: str) -> None:
    import boto3

    assert s3_endpoint.startswith("http://127.0.0.1:")
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    bucket = f"servers-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    client.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert client.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


@pytest.mark.postgres
def test_postgres_server_accepts_connections(postgres_url: str) -> None:
    import psycopg

    assert postgres_url.startswith("postgresql+psycopg://sabio@127.0.0.1:")
    assert postgres_url.endswith("/sabio_test")
    conninfo = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, connect_timeout=10) as conn:
        row = conn.execute("select current_database(), current_user, 1 + 1").fetchone()
        conn.execute("create table t (x int)")
        conn.execute("insert into t values (42)")
        assert conn.execute("select x from t").fetchone() == (42,)
    assert row == ("sabio_test", "sabio", 2)
