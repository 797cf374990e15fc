"""A training job whose data and artifacts live on a real S3-protocol server (moto)."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from pathlib import Path

import boto3
import pytest

from sabio.estimator import Estimator
from sabio.inputs import TrainingInput
from sabio.session import Session

pytestmark = pytest.mark.s3

SCRIPT = """
import json, os
root = os.environ["SM_CHANNEL_TRAIN"]
files = sorted(os.listdir(root))
rows = sum(len(open(os.path.join(root, f)).read().splitlines()) for f in files)
with open(os.path.join(os.environ["SM_MODEL_DIR"], "model.json"), "w") as fh:
    json.dump({"files": files, "rows": rows}, fh)
print("rows", rows)
"""


@pytest.fixture
def s3_session(sabio_home: Path, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Session:
    """A session whose store is the moto server, with its own default bucket."""
    monkeypatch.setenv("SABIO_STORE_URL", "s3://")
    monkeypatch.setenv("SABIO_S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("SABIO_S3_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("SABIO_S3_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("SABIO_DEFAULT_BUCKET", f"e2e-{uuid.uuid4().hex[:12]}")
    return Session()


def test_fit_with_s3_store_reads_channel_and_writes_model_to_s3(
    s3_session: Session, s3_endpoint: str, tmp_path: Path
) -> None:
    bucket = s3_session.default_bucket()
    data = tmp_path / "train"
    data.mkdir()
    (data / "a.csv").write_text("1\n2\n")
    (data / "b.csv").write_text("3\n")
    train_uri = s3_session.upload_data(data, key_prefix="e2e/train")
    assert train_uri == f"s3://{bucket}/e2e/train"
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)

    estimator = Estimator(entry_point=str(script), sagemaker_session=s3_session)
    estimator.fit({"train": TrainingInput(train_uri)}, job_name="s3-job", logs=False)

    assert estimator.model_data == f"s3://{bucket}/s3-job/output/model.tar.gz"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    listed = client.list_objects_v2(Bucket=bucket, Prefix="s3-job/")
    keys = sorted(obj["Key"] for obj in listed.get("Contents", []))
    assert keys == ["s3-job/output/model.tar.gz", "s3-job/source/sourcedir.tar.gz"]
    body = client.get_object(Bucket=bucket, Key="s3-job/output/model.tar.gz")["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        assert tar.getnames() == ["model.json"]
        model = json.load(tar.extractfile("model.json"))  # type: ignore[arg-type]
    assert model == {"files": ["a.csv", "b.csv"], "rows": 3}
    assert not (s3_session.settings.home / "store").exists()  # nothing went to a local store
