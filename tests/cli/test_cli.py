"""The ``sabio`` command line: data, train, jobs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sabio.cli import app
from sabio.exceptions import NotFoundError, ValidationError
from sabio.session import Session
from sabio.training import TRAINING

SCRIPT = """
import os, sys
print("cli script args:", " ".join(sys.argv[1:]))
print("train files:", sorted(os.listdir(os.environ["SM_CHANNEL_TRAIN"])))
open(os.path.join(os.environ["SM_MODEL_DIR"], "m.txt"), "w").write("m")
"""


@pytest.fixture
def runner(sabio_home: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "200")  # Rich tables must not truncate job names
    return CliRunner()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "train.csv").write_text("1,2\n")
    return folder


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_data_upload_then_ls(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    uri = invoke(runner, "data", "upload", str(data), "--key-prefix", "ds/train").strip()
    assert uri == "s3://sabio-default/ds/train"
    assert invoke(runner, "data", "ls", uri).split() == ["s3://sabio-default/ds/train/train.csv"]
    assert "sabio-default" in invoke(runner, "data", "ls")
    downloaded = invoke(runner, "data", "download", uri, str(tmp_path / "down")).split()
    assert downloaded == [str(tmp_path / "down" / "train.csv")]


def test_cli_train_then_jobs_list_describe_logs(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    output = invoke(
        runner,
        "train",
        "--entry-point",
        str(script),
        "--channel",
        f"train={data}",
        "--hp",
        "epochs=2",
        "--hp",
        "lr=0.1",
        "--job-name",
        "cli-job",
    )
    assert "cli script args: --epochs 2 --lr 0.1" in output
    assert "Training job: cli-job" in output

    listing = invoke(runner, "jobs", "list")
    assert "cli-job" in listing
    assert "Completed" in listing

    described = json.loads(invoke(runner, "jobs", "describe", "cli-job", "--json"))
    assert described["TrainingJobName"] == "cli-job"
    assert described["TrainingJobStatus"] == "Completed"
    assert described["HyperParameters"] == {"epochs": "2", "lr": "0.1"}
    assert described["ModelArtifacts"]["S3ModelArtifacts"].endswith("cli-job/output/model.tar.gz")

    human = invoke(runner, "jobs", "describe", "cli-job")
    assert "Completed" in human
    assert "model.tar.gz" in human

    logs = invoke(runner, "jobs", "logs", "cli-job")
    assert "cli script args: --epochs 2 --lr 0.1" in logs
    assert "train files: ['train.csv']" in logs
    assert "Job cli-job has already ended." in invoke(runner, "jobs", "stop", "cli-job")


def test_cli_train_from_spec_file(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    spec = tmp_path / "job.yaml"
    spec.write_text(
        f"entry_point: {script}\n"
        "hyperparameters:\n  depth: 4\n"
        f"inputs:\n  train: {data}\n"
        "job_name: spec-job\n"
    )
    output = invoke(runner, "train", "--spec", str(spec))
    assert "cli script args: --depth 4" in output
    assert "Training job: spec-job" in output


def test_cli_jobs_describe_unknown_raises_not_found(runner: CliRunner) -> None:
    result = runner.invoke(app, ["jobs", "describe", "nosuch"])
    assert result.exit_code != 0
    assert isinstance(result.exception, NotFoundError)


def test_cli_main_unknown_job_prints_one_line_error(sabio_home: Path) -> None:
    Session().catalog.jobs(TRAINING).create(
        "insurance-xgb-1", {}, status="InProgress", secondary_status="Starting"
    )
    done = subprocess.run(
        [sys.executable, "-m", "sabio.cli", "jobs", "describe", "insurance-xgb-2"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert done.returncode == 1
    assert "error:" in done.stderr
    assert "Training job 'insurance-xgb-2' does not exist" in done.stderr
    assert "Did you mean 'insurance-xgb-1'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_python_m_sabio_shows_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sabio", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("jobs", "data", "train"):
        assert command in done.stdout


def test_cli_train_bad_hp_pair_raises_validation(runner: CliRunner) -> None:
    result = runner.invoke(app, ["train", "--entry-point", "x.py", "--hp", "epochs"])
    assert isinstance(result.exception, ValidationError)
    assert "must look like name=value" in str(result.exception)
