"""The registry engine: groups, numbered versions, approval, lineage, diff, bad input."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sabio import registry
from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.estimator import Estimator
from sabio.exceptions import ConflictError, NotFoundError, ValidationError
from sabio.session import Session

SCRIPT = """
import argparse, json, os
parser = argparse.ArgumentParser()
parser.add_argument("--depth", type=int)
args = parser.parse_args()
rows = open(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "train.csv")).read().splitlines()
print(f"auc: {0.5 + args.depth / 100}")
with open(os.path.join(os.environ["SM_MODEL_DIR"], "weights.json"), "w") as fh:
    json.dump({"depth": args.depth, "rows": len(rows)}, fh)
"""


def _request(group: str, model_data: str = "s3://sabio-default/m/model.tar.gz") -> dict:
    return {
        "ModelPackageGroupName": group,
        "InferenceSpecification": {
            "Containers": [{"Image": "sabio/custom", "ModelDataUrl": model_data}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    }


def test_registry_versions_are_numbered_per_group(sabio_home: Path) -> None:
    settings = load_settings()
    registry.create_model_package_group(settings, "fraud")
    registry.create_model_package_group(settings, "cancer")
    spec = registry.ModelPackageSpec.from_create_model_package(_request("fraud"))
    first = registry.create_model_package(settings, spec)
    second = registry.create_model_package(settings, spec)
    other = registry.create_model_package(
        settings, registry.ModelPackageSpec.from_create_model_package(_request("cancer"))
    )
    assert first.endswith(":model-package/fraud/1")
    assert second.endswith(":model-package/fraud/2")
    assert other.endswith(":model-package/cancer/1")
    record = registry.describe_model_package(settings, second)
    assert record.approval_status == "PendingManualApproval"
    assert record.created_by == registry.current_user()
    assert registry.describe_model_package(settings, "fraud/1").version == 1


def test_registry_concurrent_registrations_get_distinct_versions(sabio_home: Path) -> None:
    settings = load_settings()
    registry.create_model_package_group(settings, "busy")
    spec = registry.ModelPackageSpec.from_create_model_package(_request("busy"))
    arns: list[str] = []
    errors: list[BaseException] = []

    def register() -> None:
        try:
            arns.append(registry.create_model_package(settings, spec))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=register) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(int(arn.rsplit("/", 1)[1]) for arn in arns) == list(range(1, 9))


def test_registry_missing_group_writes_nothing(sabio_home: Path) -> None:
    settings = load_settings()
    registry.create_model_package_group(settings, "fraud-detector")
    spec = registry.ModelPackageSpec.from_create_model_package(_request("fraud-detectr"))
    with pytest.raises(NotFoundError, match="Did you mean 'fraud-detector'"):
        registry.create_model_package(settings, spec)
    assert Catalog.open(settings).model_packages().list() == []


def test_registry_bad_input_is_refused(sabio_home: Path) -> None:
    settings = load_settings()
    registry.create_model_package_group(settings, "fraud")
    with pytest.raises(ConflictError, match="already exists"):
        registry.create_model_package_group(settings, "fraud")
    with pytest.raises(ValidationError, match="invalid"):
        registry.create_model_package_group(settings, "bad_name!")
    with pytest.raises(ValidationError, match="Did you mean 'Approved'"):
        registry.ModelPackageSpec.from_create_model_package(
            {**_request("fraud"), "ModelApprovalStatus": "Aproved"}
        )
    with pytest.raises(ValidationError, match="versioned model packages only"):
        registry.ModelPackageSpec.from_create_model_package({"ModelPackageName": "x"})
    with pytest.raises(ValidationError, match="Unknown CreateModelPackage key 'InferenceSpec'"):
        registry.ModelPackageSpec.from_create_model_package(
            {"ModelPackageGroupName": "fraud", "InferenceSpec": {}}
        )
    with pytest.raises(ValidationError, match="at least one container"):
        registry.ModelPackageSpec.from_create_model_package({"ModelPackageGroupName": "fraud"})
    with pytest.raises(NotFoundError, match="has no version 3"):
        registry.describe_model_package(settings, "fraud/3")
    with pytest.raises(ValidationError, match="names no model package version"):
        registry.describe_model_package(settings, "fraud")


def test_registry_approval_is_recorded_with_its_history(sabio_home: Path) -> None:
    settings = load_settings()
    registry.create_model_package_group(settings, "fraud")
    arn = registry.create_model_package(
        settings, registry.ModelPackageSpec.from_create_model_package(_request("fraud"))
    )
    with pytest.raises(NotFoundError, match="no Approved version"):
        registry.latest_approved(settings, "fraud")
    registry.update_approval(settings, arn, "Approved", "AUC 0.93 on holdout")
    registry.update_approval(settings, "fraud/1", "Rejected")
    registry.update_approval(settings, "fraud/1", "Approved")
    record = registry.describe_model_package(settings, arn)
    assert record.approval_status == "Approved"
    assert [a["status"] for a in record.approvals] == [
        "PendingManualApproval",
        "Approved",
        "Rejected",
        "Approved",
    ]
    assert record.approvals[1]["description"] == "AUC 0.93 on holdout"
    assert registry.latest_approved(settings, "fraud").version == 1
    with pytest.raises(ValidationError, match="Unknown model approval status"):
        registry.update_approval(settings, arn, "Maybe")


@pytest.mark.slow
def test_registry_lineage_and_diff_of_two_trained_versions(
    sabio_home: Path, tmp_path: Path
) -> None:
    session = Session()
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.csv").write_text("1,2\n3,4\n")
    first_uri = session.upload_data(str(data), key_prefix="fraud/v1")
    (data / "train.csv").write_text("1,2\n3,4\n5,6\n")
    second_uri = session.upload_data(str(data), key_prefix="fraud/v2")
    session.create_model_package_group("fraud")
    versions = []
    for depth, uri in ((3, first_uri), (5, second_uri)):
        estimator = Estimator(
            entry_point=str(script),
            hyperparameters={"depth": depth},
            metric_definitions=[{"Name": "auc", "Regex": "auc: ([0-9.]+)"}],
            sagemaker_session=session,
        )
        estimator.fit({"train": uri}, logs=False)
        package = estimator.register(
            content_types=["text/csv"],
            response_types=["application/json"],
            model_package_group_name="fraud",
        )
        versions.append(
            registry.describe_model_package(session.settings, package.model_package_arn)
        )
    old, new = versions
    assert old.lineage["training_job"] != new.lineage["training_job"]
    assert old.lineage["hyperparameters"] == {"depth": 3}
    assert old.lineage["metrics"] == {"auc": pytest.approx(0.53)}
    assert len(old.lineage["code"]["sha256"]) == 64
    assert old.lineage["data"]["train"]["objects"] == 1
    changes = registry.diff_versions(old, new)
    # Same script packed twice: the code hash is of the members, so it does not change.
    assert changes["code"]["changed"] is False
    assert set(changes["data"]) == {"train"}
    assert changes["hyperparameters"] == {"depth": {"from": 3, "to": 5}}
    assert changes["metrics"]["auc"]["delta"] == pytest.approx(0.02)
    assert changes["model_data"]["changed"] is True
