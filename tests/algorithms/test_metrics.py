"""Metrics agree with scikit-learn; bootstrap intervals, thresholds and the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sabio.algorithms._evaluate import EvalInput
from sabio.algorithms._metrics import (
    binary_metrics,
    bootstrap,
    choose_threshold,
    multiclass_metrics,
    regression_metrics,
)
from sabio.algorithms._report import write_report

ONE = np.ones


def test_metrics_regression_match_sklearn() -> None:
    from sklearn import metrics

    rng = np.random.default_rng(0)
    y = rng.normal(10, 3, 200)
    pred = y + rng.normal(0, 1, 200)
    got = {k: float(v[0]) for k, v in regression_metrics(y, pred, ONE((1, 200))).items()}
    assert got["rmse"] == pytest.approx(metrics.root_mean_squared_error(y, pred))
    assert got["mae"] == pytest.approx(metrics.mean_absolute_error(y, pred))
    assert got["r2"] == pytest.approx(metrics.r2_score(y, pred))
    assert got["mape"] == pytest.approx(metrics.mean_absolute_percentage_error(y, pred))


def test_metrics_binary_match_sklearn_with_ties() -> None:
    from sklearn import metrics

    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300).astype(float)
    prob = np.round(np.clip(y * 0.3 + rng.uniform(0, 0.7, 300), 0, 1), 1)  # many ties
    got = {k: float(v[0]) for k, v in binary_metrics(y, prob, 0.5, ONE((1, 300))).items()}
    label = (prob >= 0.5).astype(int)
    assert got["roc_auc"] == pytest.approx(metrics.roc_auc_score(y, prob))
    assert got["pr_auc"] == pytest.approx(metrics.average_precision_score(y, prob))
    assert got["log_loss"] == pytest.approx(metrics.log_loss(y, prob))
    assert got["f1"] == pytest.approx(metrics.f1_score(y, label))
    assert got["precision"] == pytest.approx(metrics.precision_score(y, label))
    assert got["accuracy"] == pytest.approx(metrics.accuracy_score(y, label))


def test_metrics_multiclass_match_sklearn() -> None:
    from sklearn import metrics

    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 150)
    raw = rng.uniform(0, 1, (150, 3)) + np.eye(3)[y] * 0.8
    prob = raw / raw.sum(axis=1, keepdims=True)
    got = {k: float(v[0]) for k, v in multiclass_metrics(y, prob, ONE((1, 150))).items()}
    assert got["accuracy"] == pytest.approx(metrics.accuracy_score(y, prob.argmax(1)))
    assert got["f1"] == pytest.approx(metrics.f1_score(y, prob.argmax(1), average="macro"))
    assert got["roc_auc"] == pytest.approx(metrics.roc_auc_score(y, prob, multi_class="ovr"))
    assert got["log_loss"] == pytest.approx(metrics.log_loss(y, prob))


def test_metrics_bootstrap_is_deterministic_and_chunked() -> None:
    y = np.arange(50, dtype=float)

    def compute(w: np.ndarray) -> dict[str, np.ndarray]:
        return {"mean": (w @ y) / w.sum(axis=1)}

    first = bootstrap(compute, 50, resamples=200, seed=0, max_cells=1000)
    again = bootstrap(compute, 50, resamples=200, seed=0)
    assert first["mean"].shape == (200,)
    np.testing.assert_allclose(first["mean"], again["mean"])
    assert 20 < np.percentile(first["mean"], 2.5) < 24.5 < np.percentile(first["mean"], 97.5)


def test_metrics_threshold_maximises_f1() -> None:
    y = np.array([0, 0, 0, 1, 1, 1], dtype=float)
    prob = np.array([0.1, 0.2, 0.35, 0.3, 0.6, 0.9])
    threshold = choose_threshold(y, prob, "f1")
    assert 0.2 < threshold <= 0.3
    assert choose_threshold(y, prob, "none") == 0.5


def test_report_files_and_subgroups(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 120)
    prob = np.clip(y * 0.5 + rng.uniform(0, 0.5, 120), 0, 1)
    raw = pd.DataFrame(
        {"sex": rng.choice(["female", "male"], 120), "age": rng.integers(20, 80, 120)}
    )
    inp = EvalInput("binary_classifier", y, prob, ["no", "yes"], 0.5, "test", raw, "test")
    doc = write_report(
        inp,
        algorithm="xgboost",
        target="outcome",
        subgroup_columns=["sex", "age"],
        folders=[tmp_path],
    )
    saved = json.loads((tmp_path / "evaluation.json").read_text())
    assert saved == json.loads(json.dumps(doc))
    assert set(saved["subgroups"]["sex"]) == {"female", "male"}
    assert len(saved["subgroups"]["age"]) == 4
    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 2  # ROC and calibration
    assert "Sensitivity (recall)" in html and "Who does the model fail?" in html
