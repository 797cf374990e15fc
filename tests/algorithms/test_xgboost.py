"""The XGBoost built-in, run as a job program, and its inference handlers."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from sabio.algorithms import PayloadError
from sabio.algorithms.xgboost import inference

from ._jobs import Job
from .conftest import diabetes, iris, split

Trained = Callable[[str], Job]


def test_xgboost_regression_prints_sagemaker_metric_lines(trained: Trained) -> None:
    job = trained("xgb_regression")
    lines = [line for line in job.stdout.splitlines() if line.startswith("[0]")]
    assert lines, job.stdout[:500]
    assert "\ttrain-rmse:" in lines[0]
    assert "\tvalidation-mae:" in lines[0]
    assert "\tvalidation-r2:" in lines[0]  # the tuning objective joins the metrics


def test_xgboost_regression_logs_metrics_per_round(trained: Trained) -> None:
    job = trained("xgb_regression")
    records = job.metrics()
    names = {r["name"] for r in records}
    assert {"train:rmse", "validation:rmse", "validation:mae", "validation:r2"} <= names
    steps = [r["step"] for r in records if r["name"] == "train:rmse"]
    assert steps[:3] == [0, 1, 2]
    final = [r for r in records if r["name"] == "validation:r2"][-1]
    assert 0.0 < final["value"] < 1.0


def test_xgboost_regression_writes_sagemaker_model_file(trained: Trained) -> None:
    import xgboost as xgb

    job = trained("xgb_regression")
    raw = (job.model_dir / "xgboost-model").read_bytes()
    assert raw.startswith(b"{")  # XGBoost JSON, never pickle
    booster = xgb.Booster()
    booster.load_model(bytearray(raw))
    assert booster.num_features() == 10
    meta = json.loads((job.model_dir / "sabio-model.json").read_text())
    assert meta["predictor_type"] == "regressor"
    assert meta["preprocessing"]["columns"] == [f"f{i}" for i in range(10)]


def test_xgboost_regression_evaluation_has_metrics_and_subgroups(trained: Trained) -> None:
    job = trained("xgb_regression")
    evaluation = job.evaluation()
    assert evaluation["dataset"] == "test"
    r2 = evaluation["regression_metrics"]["r2"]
    assert r2["ci_lower"] <= r2["value"] <= r2["ci_upper"]
    assert set(evaluation["regression_metrics"]) >= {"rmse", "mae", "r2", "mape"}
    assert len(evaluation["subgroups"]["f1"]) == 2  # sex takes two values in diabetes
    assert (job.output_data_dir / "evaluation.json").exists()
    html = (job.model_dir / "report.html").read_text()
    assert "data:image/png;base64," in html
    assert "How well does this model work?" in html


@pytest.fixture(scope="module")
def regression_model(trained: Trained) -> inference.ServingModel:
    return inference.model_fn(str(trained("xgb_regression").model_dir))


def _rows(count: int = 3) -> np.ndarray:
    return diabetes().iloc[:count, 1:].to_numpy()


def _csv(rows: np.ndarray) -> str:
    return "\n".join(",".join(repr(v) for v in row) for row in rows.tolist())


def test_xgboost_inference_csv_round_trip(
    regression_model: inference.ServingModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _csv(_rows())
    prediction = inference.predict_fn(inference.input_fn(body, "text/csv"), regression_model)
    # SageMaker's XGBoost: one comma-joined line for a real-time request ...
    monkeypatch.delenv("SAGEMAKER_BATCH", raising=False)
    text, content_type = inference.output_fn(prediction, "text/csv")
    assert content_type == "text/csv"
    assert len(str(text).splitlines()) == 1
    assert all(float(v) > 0 for v in str(text).split(","))
    assert inference.output_fn(prediction, "*/*") == (text, "text/csv")
    # ... and one prediction per line in a batch transform.
    monkeypatch.setenv("SAGEMAKER_BATCH", "true")
    lines, _ = inference.output_fn(prediction, "text/csv")
    assert str(lines).splitlines() == str(text).split(",")


def test_xgboost_inference_same_answer_for_every_content_type(
    regression_model: inference.ServingModel,
) -> None:
    rows = _rows()
    npy = io.BytesIO()
    np.save(npy, rows)
    bodies = {
        "text/csv": _csv(rows),
        "application/json": json.dumps({"instances": rows.tolist()}),
        "application/jsonlines": "\n".join(json.dumps(row) for row in rows.tolist()),
        "application/x-npy": npy.getvalue(),
        "text/libsvm": "\n".join(
            "0 " + " ".join(f"{i}:{v!r}" for i, v in enumerate(row)) for row in rows.tolist()
        ),
    }
    answers = []
    for content_type, body in bodies.items():
        data = inference.input_fn(body, content_type)
        answers.append(inference.predict_fn(data, regression_model).scores)
    for answer in answers[1:]:
        np.testing.assert_allclose(answer, answers[0], rtol=1e-6)


def test_xgboost_inference_json_and_npy_output(regression_model: inference.ServingModel) -> None:
    data = inference.input_fn(json.dumps(_rows(2).tolist()), "application/json")
    prediction = inference.predict_fn(data, regression_model)
    body, content_type = inference.output_fn(prediction, "application/json")
    assert content_type == "application/json"
    assert [set(p) for p in json.loads(body)["predictions"]] == [{"score"}, {"score"}]
    raw, npy_type = inference.output_fn(prediction, "application/x-npy")
    assert npy_type == "application/x-npy"
    np.testing.assert_allclose(np.load(io.BytesIO(bytes(raw))), prediction.scores)


def test_xgboost_inference_wrong_feature_count(regression_model: inference.ServingModel) -> None:
    body = ",".join("0.1" for _ in range(9))
    with pytest.raises(PayloadError, match=r"expected 10 features.*got 9"):
        inference.predict_fn(inference.input_fn(body, "text/csv"), regression_model)


def test_xgboost_inference_label_column_sent_gives_hint(
    regression_model: inference.ServingModel,
) -> None:
    body = ",".join("0.1" for _ in range(11))
    with pytest.raises(PayloadError, match="without the label column"):
        inference.predict_fn(inference.input_fn(body, "text/csv"), regression_model)


def test_xgboost_inference_unsupported_accept(regression_model: inference.ServingModel) -> None:
    prediction = inference.predict_fn(
        inference.input_fn("0,0,0,0,0,0,0,0,0,0", "text/csv"), regression_model
    )
    with pytest.raises(PayloadError, match="Unsupported accept type"):
        inference.output_fn(prediction, "image/png")


def test_xgboost_libsvm_multiclass_job(trained: Trained) -> None:
    job = trained("xgb_libsvm")
    meta = json.loads((job.model_dir / "sabio-model.json").read_text())
    assert meta["predictor_type"] == "multiclass_classifier"
    assert meta["input_format"] == "libsvm"
    assert "validation:mlogloss" in job.metric_names()
    model = inference.model_fn(str(job.model_dir))
    rows = iris().iloc[[0, 60, 120], 1:].to_numpy()
    body = "\n".join(" ".join(f"{i}:{v}" for i, v in enumerate(row)) for row in rows)
    prediction = inference.predict_fn(inference.input_fn(body, "text/libsvm"), model)
    assert prediction.scores.shape == (3, 3)
    answer = json.loads(inference.output_fn(prediction, "application/json")[0])
    assert [p["predicted_label"] for p in answer["predictions"]] == [0, 1, 2]


def test_xgboost_bare_sagemaker_model_is_served(tmp_path_factory: pytest.TempPathFactory) -> None:
    import xgboost as xgb

    train, _ = split(diabetes(), (0.5,))
    booster = xgb.train(
        {"objective": "reg:squarederror", "nthread": 1},
        xgb.DMatrix(train.iloc[:, 1:].to_numpy(), label=train.iloc[:, 0].to_numpy()),
        num_boost_round=3,
    )
    folder = tmp_path_factory.mktemp("bare")
    (folder / "xgboost-model").write_bytes(bytes(booster.save_raw(raw_format="ubj")))
    model = inference.model_fn(str(folder))
    prediction = inference.predict_fn(inference.input_fn("0,0,0,0,0,0,0,0,0,0", "text/csv"), model)
    assert prediction.scores.shape == (1,)


class _Labels:
    def __init__(self, labels: list[float]) -> None:
        self.labels = np.asarray(labels)

    def get_label(self) -> np.ndarray:
        return self.labels


def test_xgboost_sagemaker_custom_metrics() -> None:
    from sabio.algorithms.xgboost._metrics import custom_metric

    metric = custom_metric(["accuracy", "f1"], "binary_classifier", "binary:logistic")
    values = dict(metric(np.array([0.9, 0.2, 0.7, 0.4]), _Labels([1, 0, 0, 0])))
    assert values == {"accuracy": 0.75, "f1": pytest.approx(2 / 3)}
    softmax = custom_metric(["accuracy"], "multiclass_classifier", "multi:softmax")
    assert softmax(np.array([0.0, 2.0, 1.0]), _Labels([0, 2, 2]))[0][1] == pytest.approx(2 / 3)


def test_xgboost_custom_metric_of_wrong_task_is_rejected() -> None:
    from sabio.algorithms import HyperparameterError
    from sabio.algorithms.xgboost._metrics import custom_metric

    with pytest.raises(HyperparameterError, match="'r2' does not apply to a binary_classifier"):
        custom_metric(["r2"], "binary_classifier", "binary:logistic")


def test_xgboost_defaults_rounds_and_metric_for_rare_positives(
    new_job: Callable[..., Job],
) -> None:
    from ._jobs import run_job
    from .conftest import cancer

    frame = cancer()
    # About 10% malignant: the rare-positive default applies.
    rare = pd.concat(
        [frame[frame.diagnosis == "benign"], frame[frame.diagnosis == "malignant"][:35]]
    )
    train, valid = split(rare.reset_index(drop=True), (0.7,))
    hps = {"target": "diagnosis", "positive_class": "malignant"}
    job = new_job({"train": train, "validation": valid}, hps, header=True)
    run_job(job, "xgboost")
    assert job.returncode == 0, job.stderr[-2000:]
    assert "eval_metric defaults to aucpr" in job.stderr
    assert "num_round not given: up to 1000 rounds" in job.stderr
    assert "Early stopping kept" in job.stderr
    assert "validation:aucpr" in job.metric_names()
    rounds = {m["step"] for m in job.metrics() if m["name"] == "validation:aucpr"}
    assert 1 < len(rounds) < 1000
