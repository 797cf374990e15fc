"""The linear learner built-in: regression on Parquet with text columns, raw rows at serving."""

from __future__ import annotations

import json
from collections.abc import Callable

from sabio.algorithms.linear_learner import inference

from ._jobs import Job
from .conftest import insurance_like

Trained = Callable[[str], Job]


def test_linear_learner_regression_on_parquet_with_text_columns(trained: Trained) -> None:
    job = trained("ll_regression")
    meta = json.loads((job.model_dir / "sabio-model.json").read_text())
    assert meta["input_format"] == "parquet"
    assert meta["preprocessing"]["categories"]["smoker"] == ["no", "yes"]
    assert meta["preprocessing"]["scaling"] is not None  # normalize_data defaults to true
    evaluation = job.evaluation()
    assert evaluation["regression_metrics"]["r2"]["value"] > 0.9  # the data is linear
    assert set(evaluation["subgroups"]) == {"smoker", "sex"}
    assert "mini_batch_size" in job.stderr  # SageMaker SGD settings are accepted and noted


def test_linear_learner_final_metrics_logged(trained: Trained) -> None:
    names = trained("ll_regression").metric_names()
    assert {"train:rmse", "train:r2", "train:mae"} <= names


def test_linear_learner_inference_raw_rows(trained: Trained) -> None:
    model = inference.model_fn(str(trained("ll_regression").model_dir))
    rows = insurance_like(n=5, seed=9)
    body = rows.iloc[:, 1:].to_csv(index=False, header=False)
    prediction = inference.predict_fn(inference.input_fn(body, "text/csv"), model)
    error = abs(prediction.scores - rows["charges"].to_numpy())
    assert (error < 6000).all()
    lines = inference.output_fn(prediction, "application/jsonlines")[0]
    assert [set(json.loads(line)) for line in str(lines).splitlines()] == [{"score"}] * 5
