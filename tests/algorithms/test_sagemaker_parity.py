"""The built-ins answer as SageMaker's containers do: RecordIO-protobuf channels and requests,
SageMaker's content-type spellings, legacy hyperparameters, Linear Learner's metrics, the
default answer for ``Accept: */*`` and the documented model file."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from sabio.algorithms.linear_learner import inference as ll_inference
from sabio.algorithms.xgboost import inference as xgb_inference
from sabio.amazon.common import RecordSerializer, read_records, write_numpy_to_dense_tensor

from ._jobs import Job, run_job

NewJob = Callable[..., Job]


def _binary(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(scale=0.3, size=n) > 0).astype("float32")
    return x, y


def _recordio(x: np.ndarray, y: np.ndarray) -> bytes:
    buf = io.BytesIO()
    write_numpy_to_dense_tensor(buf, x, y)  # as SageMaker's Linear Learner examples do
    return buf.getvalue()


def test_linear_learner_trains_on_recordio_protobuf_and_reports_its_metrics(
    new_job: NewJob,
) -> None:
    x, y = _binary(240, 1)
    vx, vy = _binary(80, 2)
    job = new_job(
        {"train": _recordio(x, y), "validation": _recordio(vx, vy)},
        {
            "predictor_type": "binary_classifier",
            "feature_dim": 3,
            "mini_batch_size": 100,
            "_tuning_objective_metric": "validation:binary_f_beta",
        },
        fmt="pbr",
        content_types={
            "train": "application/x-recordio-protobuf",
            "validation": "application/x-recordio-protobuf",
        },
    )
    run_job(job, "linear_learner")
    assert job.returncode == 0, job.stderr
    names = job.metric_names()
    for metric in (
        "binary_f_beta", "binary_classification_accuracy", "objective_loss", "precision",
        "recall", "roc_auc_score",
    ):  # fmt: skip
        assert f"validation:{metric}" in names and f"train:{metric}" in names
    f_beta = [m["value"] for m in job.metrics() if m["name"] == "validation:binary_f_beta"]
    assert 0.7 < f_beta[-1] <= 1.0
    assert "Tuning objective validation:binary_f_beta" in job.stdout
    assert "#quality_metric: host=algo-1, validation binary_f_beta" in job.stdout

    # Serving: RecordIO-protobuf requests; */* answers Linear Learner's exact JSON.
    model = ll_inference.model_fn(str(job.model_dir))
    body = RecordSerializer().serialize(vx[:4])
    prediction = ll_inference.predict_fn(
        ll_inference.input_fn(body, "application/x-recordio-protobuf"), model
    )
    for accept in ("*/*", None, "application/json"):
        text, kind = ll_inference.output_fn(prediction, accept)  # type: ignore[arg-type]
        answer = json.loads(text)
        assert kind == "application/json" and list(answer) == ["predictions"]
        assert [set(p) for p in answer["predictions"]] == [{"score", "predicted_label"}] * 4
    verbose = json.loads(ll_inference.output_fn(prediction, "application/json; verbose=true")[0])
    assert verbose["labels"] == [0.0, 1.0]
    raw, kind = ll_inference.output_fn(prediction, "application/x-recordio-protobuf")
    records = read_records(io.BytesIO(raw))  # type: ignore[arg-type]
    scores = [r.label["score"].float32_tensor.values[0] for r in records]
    np.testing.assert_allclose(scores, prediction.scores, rtol=1e-5)
    labels = [r.label["predicted_label"].float32_tensor.values[0] for r in records]
    assert set(labels) <= {0.0, 1.0}


def _csv(x: np.ndarray, y: np.ndarray) -> str:
    return pd.DataFrame(np.column_stack([y, x])).to_csv(header=False, index=False)


def test_xgboost_takes_sagemaker_spellings_and_answers_csv_scores(new_job: NewJob) -> None:
    import xgboost

    x, y = _binary(200, 3)
    # The fraud tutorial's set_hyperparameters(..., silent=0, ...) and content_type="csv".
    hps: dict[str, Any] = {"max_depth": 3, "eta": 0.3, "silent": 0, "num_round": 8}
    hps["objective"] = "binary:logistic"
    job = new_job(
        {"train": _csv(x, y), "validation": _csv(*_binary(60, 4))},
        hps,
        content_types={"train": "csv", "validation": "text/csv; label_size=1"},
    )
    run_job(job, "xgboost")
    assert job.returncode == 0, job.stderr
    assert "'silent'" in job.stderr and "legacy" in job.stderr
    booster = xgboost.Booster()
    with warnings.catch_warnings():  # XGBoost guesses the format of a name without extension
        warnings.simplefilter("ignore")
        booster.load_model(str(job.model_dir / "xgboost-model"))  # SageMaker's documented file
    model = xgb_inference.model_fn(str(job.model_dir))
    body = "\n".join(",".join(map(str, row)) for row in x[:3].tolist())
    prediction = xgb_inference.predict_fn(xgb_inference.input_fn(body, "csv"), model)
    text, kind = xgb_inference.output_fn(prediction, "*/*")
    assert kind == "text/csv"
    scores = np.fromstring(str(text), sep=",")  # what the fraud tutorial does
    expected = booster.predict(xgboost.DMatrix(x[:3]), validate_features=False)
    np.testing.assert_allclose(scores, expected, rtol=1e-5)
    rich = json.loads(xgb_inference.output_fn(prediction, "application/json")[0])
    assert [set(p) for p in rich["predictions"]] == [{"score", "predicted_label"}] * 3


def test_csv_label_size_other_than_one_is_refused(new_job: NewJob) -> None:
    x, y = _binary(30, 5)
    job = new_job(
        {"train": _csv(x, y)},
        {"num_round": 2},
        content_types={"train": "text/csv;label_size=2"},
    )
    run_job(job, "xgboost")
    assert job.returncode == 1
    assert "label_size must be 1" in (job.failure or "")
