"""``sabio models``: list, versions, describe, approve, reject, diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sabio.cli import app
from sabio.session import Session


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _register(session: Session, model_data: str) -> None:
    session.create_model_package(
        {
            "ModelPackageGroupName": "fraud",
            "InferenceSpecification": {"Containers": [{"ModelDataUrl": model_data}]},
        }
    )


def test_cli_models_lifecycle(sabio_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    session = Session()
    bucket = session.default_bucket()
    session.store.put_bytes(f"s3://{bucket}/m1/model.tar.gz", b"one")
    session.store.put_bytes(f"s3://{bucket}/m2/model.tar.gz", b"two")
    assert invoke(runner, "models", "create-group", "fraud").strip().endswith("group/fraud")
    _register(session, f"s3://{bucket}/m1/model.tar.gz")
    _register(session, f"s3://{bucket}/m2/model.tar.gz")
    assert "fraud" in invoke(runner, "models", "list")
    assert invoke(runner, "models", "approve", "fraud", "2", "-m", "better").strip() == (
        "fraud/2: Approved"
    )
    assert invoke(runner, "models", "reject", "fraud", "1").strip() == "fraud/1: Rejected"
    versions = invoke(runner, "models", "versions", "fraud")
    assert "Approved" in versions and "Rejected" in versions
    described = json.loads(invoke(runner, "models", "describe", "fraud", "2", "--json"))
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ApprovalDescription"] == "better"
    diff = json.loads(invoke(runner, "models", "diff", "fraud", "1", "2", "--json"))
    assert diff["model_data"]["changed"] is True
    assert diff["approval_status"] == {"from": "Rejected", "to": "Approved", "changed": True}
    assert "model_data: changed" in invoke(runner, "models", "diff", "fraud", "1", "2")
    result = runner.invoke(app, ["models", "approve", "fraud", "9"])
    assert result.exit_code != 0
