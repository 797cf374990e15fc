"""``sabio.transformer.Transformer``: SageMaker's batch transform API on real jobs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.exceptions import JobFailedError, NotFoundError, ValidationError
from sabio.session import Session
from sabio.transformer import Transformer
from transform._models import register_model, score, write_csv

ROWS = [[float(i), 1.0, 2.0] for i in range(12)]


@pytest.fixture
def session(sabio_home: Path) -> Session:
    register_model()
    return Session()


def test_transformer_transform_writes_default_output_path(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(tmp_path / "data" / "part-1.csv", ROWS)
    data = session.upload_data(str(tmp_path / "data"), key_prefix="scoring")
    transformer = Transformer("linear", instance_count=2, instance_type="local", accept="text/csv")
    transformer.transform(data, content_type="text/csv", split_type="Line", job_name="sdk-job")
    assert transformer.output_path == "s3://sabio-default/sdk-job"
    assert "Completed" in capsys.readouterr().out  # the job log is printed while waiting
    text = session.read_s3_file("sabio-default", "sdk-job/part-1.csv.out")
    assert [float(v) for v in text.splitlines()] == [score(r) for r in ROWS]
    description = transformer.describe()
    assert description["TransformJobStatus"] == "Completed"
    assert description["TransformResources"] == {"InstanceType": "local", "InstanceCount": 2}
    attached = Transformer.attach("sdk-job", sagemaker_session=session)
    assert attached.model_name == "linear" and attached.accept == "text/csv"
    assert attached.describe()["TransformJobName"] == "sdk-job"


def test_transformer_no_wait_then_wait_raises_on_failure(session: Session, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("1,2,3\nx,y,z\n")
    data = session.upload_data(str(tmp_path / "bad.csv"), key_prefix="bad")
    transformer = Transformer("linear", 1, "local", output_path="s3://sabio-default/bad-out")
    transformer.transform(data, content_type="text/csv", split_type="Line", wait=False)
    with pytest.raises(JobFailedError, match=r"bad\.csv, line 2"):
        transformer.wait(logs=False)
    transformer.stop_transform_job()  # already ended: nothing to do


def test_transformer_bad_use_is_explained(session: Session) -> None:
    transformer = Transformer("linear", 1, "local")
    with pytest.raises(ValidationError, match="call transform\\(\\) first"):
        transformer.describe()
    with pytest.raises(NotFoundError, match="Transform job 'nope' does not exist"):
        Transformer.attach("nope", sagemaker_session=session)
    with pytest.raises(ValidationError, match="split_type='RecordIO' is not supported"):
        transformer.transform("s3://sabio-default/x", split_type="RecordIO")
