"""``sabio prune`` frees finished jobs' working copies and keeps what models use (issue 19,
finding 11g)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sabio.cli import app
from sabio.estimator import Estimator
from sabio.inference import ModelSpec
from sabio.serving._models import create_model
from sabio.session import Session
from sabio.training import job_dir

SCRIPT = """
import os
open(os.path.join(os.environ["SM_MODEL_DIR"], "m.txt"), "w").write("m" * 1000)
"""


@pytest.fixture
def session(sabio_home: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.setenv("COLUMNS", "250")
    return Session()


def _train(session: Session, tmp_path: Path, name: str, data_uri: str) -> Path:
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    Estimator(entry_point=str(script), sagemaker_session=session).fit(
        {"train": data_uri}, job_name=name, logs=False
    )
    return job_dir(session.settings, name)


def test_prune_frees_inputs_and_keeps_what_models_use(session: Session, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.csv").write_text("1,2\n" * 50_000)  # 200 kB of input copied per job
    uri = session.upload_data(str(data), key_prefix="prune/train")
    plain = _train(session, tmp_path, "plain-job", uri)
    used = _train(session, tmp_path, "used-job", uri)
    archive = used / "artifacts" / "model.tar.gz"
    create_model(session.settings, "local-model", ModelSpec(model_data_url=str(archive)))
    runner = CliRunner()

    dry = runner.invoke(app, ["prune", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would free" in dry.output
    assert (plain / "algo-1" / "input" / "data" / "train" / "train.csv").exists()

    recent = runner.invoke(app, ["prune", "--older-than", "1"])
    assert recent.exit_code == 0, recent.output
    assert "Freed 0.0 MB from 0" in recent.output
    assert (plain / "algo-1" / "input" / "data").exists()

    done = runner.invoke(app, ["prune"])
    assert done.exit_code == 0, done.output
    assert "Freed 0.4 MB from 2 finished training job(s)" in done.output
    for folder in (plain, used):
        assert not (folder / "algo-1" / "input" / "data").exists()
        assert not (folder / "algo-1" / "code").exists()
        assert (folder / "logs.txt").exists()
        assert (folder / "spec.json").exists()
        assert (folder / "algo-1" / "input" / "config" / "hyperparameters.json").exists()
    assert not (plain / "artifacts").exists()
    assert archive.exists()  # the registered model still uses it
    described = session.describe_training_job("plain-job")
    assert described["TrainingJobStatus"] == "Completed"
    assert session.store.exists(described["ModelArtifacts"]["S3ModelArtifacts"])
