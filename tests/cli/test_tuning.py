"""``sabio tune`` and ``sabio tuning list|describe|stop``."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from tests.tuning._helpers import METRICS, TRIAL_SCRIPT, upload_data
from typer.testing import CliRunner

from sabio.cli import app
from sabio.session import Session


def test_tuning_cli_tune_list_describe(sabio_home: Path, tmp_path: Path) -> None:
    uri = upload_data(Session())
    script = tmp_path / "train.py"
    script.write_text(TRIAL_SCRIPT)
    spec = {
        "estimator": {"entry_point": str(script), "metric_definitions": METRICS},
        "inputs": {"train": uri},
        "objective_metric_name": "validation:final",
        "objective_type": "Minimize",
        "hyperparameter_ranges": {
            "x": {"type": "Continuous", "min_value": 0, "max_value": 1},
            "kind": {"type": "Categorical", "values": ["a", "b"]},
        },
        "strategy": "Random",
        "max_jobs": 2,
        "max_parallel_jobs": 2,
    }
    path = tmp_path / "tune.yaml"
    path.write_text(yaml.safe_dump(spec))
    runner = CliRunner()
    result = runner.invoke(app, ["tune", str(path), "--job-name", "cli-tune"])
    assert result.exit_code == 0, result.output
    assert "cli-tune" in result.output and "Best so far" in result.output
    listed = runner.invoke(app, ["tuning", "list"])
    assert "cli-tune" in listed.output and "Completed" in listed.output
    described = runner.invoke(app, ["tuning", "describe", "cli-tune", "--json"])
    assert json.loads(described.output)["TrainingJobStatusCounters"]["Completed"] == 2
    stopped = runner.invoke(app, ["tuning", "stop", "cli-tune"])
    assert "already ended" in stopped.output


def test_tuning_cli_bad_spec(sabio_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "tune.yaml"
    path.write_text(yaml.safe_dump({"estimator": {"image_uri": "sabio/xgboost:latest"}}))
    result = CliRunner().invoke(app, ["tune", str(path)])
    assert result.exit_code != 0
    assert "hyperparameter_ranges" in str(result.exception)
    result = CliRunner().invoke(app, ["tuning", "describe", "nope"])
    assert "does not exist" in str(result.exception)
