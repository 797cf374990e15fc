"""The random forest built-in: classification job, safe model file, inference handlers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sabio.algorithms import PayloadError
from sabio.algorithms._sklearn import load_model
from sabio.algorithms.random_forest import inference

from ._jobs import Job
from .conftest import cancer

Trained = Callable[[str], Job]


def test_random_forest_binary_job_outputs(trained: Trained) -> None:
    job = trained("rf_binary")
    assert sorted(p.name for p in job.model_dir.iterdir()) == [
        "evaluation.json",
        "model.skops",
        "report.html",
        "sabio-model.json",
    ]
    meta = json.loads((job.model_dir / "sabio-model.json").read_text())
    assert meta["classes"] == ["benign", "malignant"]  # positive class last
    assert 0.0 < meta["threshold"] < 1.0
    assert meta["threshold_source"].startswith("validation data")


def test_random_forest_binary_evaluation_report(trained: Trained) -> None:
    evaluation = trained("rf_binary").evaluation()
    section = evaluation["binary_classification_metrics"]
    for name in ("accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "log_loss"):
        assert section[name]["ci_lower"] <= section[name]["value"] <= section[name]["ci_upper"]
    matrix = section["confusion_matrix"]
    assert sum(sum(row.values()) for row in matrix.values()) == evaluation["n_rows"]
    assert evaluation["positive_class"] == "malignant"
    assert len(evaluation["subgroups"]["mean radius"]) == 4  # quartiles of a numeric column


def test_random_forest_final_and_tuning_metrics(trained: Trained) -> None:
    job = trained("rf_binary")
    names = job.metric_names()
    assert {"train:accuracy", "validation:auc", "validation:f1", "validation:logloss"} <= names
    assert "\tvalidation-auc:" in job.stdout


@pytest.fixture(scope="module")
def model(trained: Trained) -> inference.ServingModel:
    return inference.model_fn(str(trained("rf_binary").model_dir))


def test_random_forest_inference_json_objects(model: inference.ServingModel) -> None:
    frame = cancer().iloc[:2, 1:]
    body = json.dumps({"instances": frame.to_dict(orient="records")})
    prediction = inference.predict_fn(inference.input_fn(body, "application/json"), model)
    answer = json.loads(inference.output_fn(prediction, "application/json")[0])
    assert answer["labels"] == ["benign", "malignant"]
    assert {p["predicted_label"] for p in answer["predictions"]} <= {"benign", "malignant"}
    assert all(0.0 <= p["score"] <= 1.0 for p in answer["predictions"])


def test_random_forest_inference_csv_with_matching_header(model: inference.ServingModel) -> None:
    frame = cancer().iloc[:3, 1:]
    with_header = inference.input_fn(frame.to_csv(index=False), "text/csv")
    without = inference.input_fn(frame.to_csv(index=False, header=False), "text/csv")
    first = inference.predict_fn(with_header, model).scores
    assert list(first) == list(inference.predict_fn(without, model).scores)
    lines, _ = inference.output_fn(inference.predict_fn(without, model), "text/csv")
    assert len(str(lines).splitlines()) == 3


def test_random_forest_inference_missing_column(model: inference.ServingModel) -> None:
    record = cancer().iloc[0, 1:].to_dict()
    record.pop("mean radius")
    with pytest.raises(PayloadError, match="lack feature"):
        inference.predict_fn(inference.input_fn(json.dumps([record]), "application/json"), model)


def test_random_forest_inference_text_in_numeric_column(model: inference.ServingModel) -> None:
    row = ["abc"] + ["1.0"] * 29
    with pytest.raises(PayloadError, match="must be numeric"):
        inference.predict_fn(inference.input_fn(",".join(row), "text/csv"), model)


class Untrusted:
    """A type that no built-in model contains."""


def test_random_forest_model_loader_refuses_untrusted_types(tmp_path: Path) -> None:
    import skops.io
    from sklearn.ensemble import RandomForestClassifier

    path = tmp_path / "model.skops"
    skops.io.dump({"payload": Untrusted()}, path)
    with pytest.raises(ValueError, match="does not trust"):
        load_model(path, (RandomForestClassifier,))
