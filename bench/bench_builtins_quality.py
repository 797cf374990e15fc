"""Quality of the built-in algorithms on the showcase data sets, next to published figures.

Protocols (fixed seeds, see issue 3 and ../shared/datasets/README.md):

* insurance (``charges``), 5-fold CV (shuffled, seed 0): XGBoost and MLP R² / MAE / RMSE.
* breast cancer (scikit-learn), stratified 5-fold (seed 0): RandomForest accuracy, ROC-AUC
  and malignant recall (malignant is the positive class).
* fraud (``creditcard_sample.csv.gz``), stratified 70/20/10 split (seed 1729): XGBoost AUPRC
  and ROC-AUC on the 10% test split, plus AUPRC re-weighted to the full data's prevalence
  (each non-fraud weighs 284315/4920).
* fraud-cv: the same data, stratified 5-fold (seed 1729); in each fold the other 80% is split
  7:2 into train and validation (stratified, seed 1729), so every row is tested once and each
  test fold holds ~98 frauds instead of 49. Built-in defaults and the SageMaker tutorial's
  settings.

Each fold is a real job: a SageMaker-style job folder with train (and test/validation)
channels, run through the built-in's program (``sabio.algorithms._program.main``, the code
``python -m sabio.algorithms.<name>`` runs) in this process so imports are paid once; the
test-fold numbers come from the job's own ``evaluation.json``, and fraud predictions from the
built-in's inference handlers.

Run: ``PYTHONPATH=src python bench/bench_builtins_quality.py [insurance|cancer|fraud|fraud-cv ...]``
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
FRAUD_WEIGHT = 284315 / 4920

#: Hyperparameters of each protocol (documented with the numbers in docs/benchmarks.md).
XGB_INSURANCE = {"num_round": 400, "eta": 0.03, "max_depth": 3, "subsample": 0.8,
                 "colsample_bytree": 0.8, "min_child_weight": 5, "seed": 0}  # fmt: skip
MLP_INSURANCE: dict[str, Any] = {}  # the defaults
RF_CANCER: dict[str, Any] = {}  # the defaults
#: The built-in's defaults: no num_round (→ early stopping on the validation channel) and no
#: eval_metric (→ aucpr for rare positives); nothing is chosen by looking at the test split.
XGB_FRAUD: dict[str, Any] = {}
#: The hand-set configuration this benchmark used before those defaults, for comparison.
#: The SageMaker XGBoost tutorial's settings (also examples/fraud).
XGB_FRAUD_TUTORIAL = {"max_depth": 5, "eta": 0.2, "gamma": 4, "min_child_weight": 6,
                      "subsample": 0.8, "objective": "binary:logistic", "num_round": 100,
                      "seed": 0}  # fmt: skip
XGB_FRAUD_HAND_SET = {"num_round": 1000, "eta": 0.05, "max_depth": 4, "subsample": 0.8,
                      "colsample_bytree": 0.8, "early_stopping_rounds": 50,
                      "eval_metric": "aucpr", "seed": 0}  # fmt: skip


def run_builtin(
    algorithm: str, channels: dict[str, pd.DataFrame], hps: dict[str, Any], root: Path
) -> dict[str, Any]:
    """Run one job of ``algorithm`` in a fresh job folder; return its evaluation.json."""
    from sabio.algorithms._program import main

    for name, frame in channels.items():
        folder = root / "input" / "data" / name
        folder.mkdir(parents=True)
        frame.to_csv(folder / f"{name}.csv", index=False)
    env = {
        "SM_MODEL_DIR": str(root / "model"),
        "SM_OUTPUT_DATA_DIR": str(root / "output" / "data"),
        "SM_OUTPUT_DIR": str(root / "output"),
        "SM_CHANNELS": json.dumps(sorted(channels)),
        "SM_HPS": json.dumps(hps),
        "SM_NUM_CPUS": str(os.cpu_count() or 1),
        **{f"SM_CHANNEL_{n.upper()}": str(root / "input" / "data" / n) for n in channels},
    }
    os.environ["SABIO_METRICS_FILE"] = str(root / "metrics.jsonl")
    module = importlib.import_module(f"sabio.algorithms.{algorithm}._algorithm")
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()) as err,
    ):
        status = main(module.ALGORITHM, env)
    if status != 0:
        raise RuntimeError(f"{algorithm} job failed ({status}): {err.getvalue()[-2000:]}")
    evaluation: dict[str, Any] = json.loads((root / "model" / "evaluation.json").read_text())
    evaluation["_model_dir"] = str(root / "model")
    return evaluation


def _folds(n: int, k: int, seed: int, strata: np.ndarray | None = None) -> list[np.ndarray]:
    """Test-row indices of ``k`` shuffled (stratified when ``strata``) folds."""
    from sklearn.model_selection import KFold, StratifiedKFold

    if strata is None:
        splitter: Any = KFold(n_splits=k, shuffle=True, random_state=seed)
        return [test for _, test in splitter.split(np.zeros(n))]
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [test for _, test in splitter.split(np.zeros(n), strata)]


def cross_validate(
    algorithm: str, frame: pd.DataFrame, hps: dict[str, Any], folds: list[np.ndarray], tmp: Path
) -> list[dict[str, Any]]:
    """One job per fold (train = other folds, test = the fold)."""
    results = []
    for index, test_rows in enumerate(folds):
        mask = np.zeros(len(frame), dtype=bool)
        mask[test_rows] = True
        channels = {"train": frame[~mask], "test": frame[mask]}
        results.append(run_builtin(algorithm, channels, hps, tmp / f"{algorithm}-{index}"))
    return results


def _mean_sd(values: list[float]) -> str:
    return f"{np.mean(values):.4f} ± {np.std(values):.4f}"


def insurance(tmp: Path) -> list[tuple[str, str, str, str]]:
    """Insurance charges, 5-fold CV, seed 0: XGBoost and MLP."""
    frame = pd.read_csv(DATASETS / "insurance.csv")
    folds = _folds(len(frame), 5, 0)
    rows = []
    for algorithm, hps, target in (("xgboost", XGB_INSURANCE, 0.85), ("mlp", MLP_INSURANCE, 0.84)):
        started = time.perf_counter()
        results = cross_validate(algorithm, frame, hps | {"target": "charges"}, folds, tmp)
        seconds = time.perf_counter() - started
        metric = {name: [r["regression_metrics"][name]["value"] for r in results]
                  for name in ("r2", "mae", "rmse")}  # fmt: skip
        rows.append(
            (f"insurance {algorithm}", "R² (5-fold)", _mean_sd(metric["r2"]), f"≥ {target}")
        )
        rows.append((f"insurance {algorithm}", "MAE", f"{np.mean(metric['mae']):,.0f}", "~2,500"))
        rows.append((f"insurance {algorithm}", "RMSE", f"{np.mean(metric['rmse']):,.0f}", ""))
        rows.append((f"insurance {algorithm}", "time, 5 jobs", f"{seconds:.1f} s", ""))
    return rows


def cancer(tmp: Path) -> list[tuple[str, str, str, str]]:
    """Breast cancer, stratified 5-fold, seed 0: RandomForest."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer(as_frame=True)
    frame = data.frame.copy()
    frame["diagnosis"] = np.where(frame.pop("target") == 0, "malignant", "benign")
    folds = _folds(len(frame), 5, 0, strata=frame["diagnosis"].to_numpy())
    started = time.perf_counter()
    hps = RF_CANCER | {"target": "diagnosis", "positive_class": "malignant"}
    results = cross_validate("random_forest", frame, hps, folds, tmp)
    seconds = time.perf_counter() - started
    section = [r["binary_classification_metrics"] for r in results]

    def values(name: str) -> str:
        return _mean_sd([s[name]["value"] for s in section])

    case = "cancer random_forest"
    return [
        (case, "accuracy (5-fold)", values("accuracy"), "≥ 0.96"),
        (case, "ROC-AUC", values("roc_auc"), "≥ 0.99"),
        (case, "malignant recall", values("recall"), "report"),
        (case, "time, 5 jobs", f"{seconds:.1f} s", ""),
    ]


def _with_ci(metric: dict[str, float]) -> str:
    """``value (95% CI low–high)`` from an evaluation.json metric."""
    return f"{metric['value']:.4f} (95% CI {metric['ci_lower']:.3f}–{metric['ci_upper']:.3f})"


def fraud(tmp: Path) -> list[tuple[str, str, str, str]]:
    """Fraud sample, stratified 70/20/10, seed 1729: XGBoost on the 10% test split."""
    from sklearn.model_selection import train_test_split

    frame = pd.read_csv(DATASETS / "creditcard_sample.csv.gz")
    train, rest = train_test_split(frame, test_size=0.3, stratify=frame["Class"], random_state=1729)
    valid, test = train_test_split(rest, test_size=1 / 3, stratify=rest["Class"], random_state=1729)
    channels = {"train": train, "validation": valid, "test": test}
    rows = _fraud_case("fraud xgboost (defaults)", channels, XGB_FRAUD, tmp / "fraud")
    hand_set = _fraud_case("fraud xgboost (hand-set)", channels, XGB_FRAUD_HAND_SET, tmp / "f2")
    return rows + [row for row in hand_set if row[1] in ("AUPRC (10% test)", "ROC-AUC")]


def _fraud_case(
    case: str, channels: dict[str, pd.DataFrame], hps: dict[str, Any], root: Path
) -> list[tuple[str, str, str, str]]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    test = channels["test"]
    started = time.perf_counter()
    result = run_builtin("xgboost", channels, hps | {"target": "Class"}, root)
    seconds = time.perf_counter() - started
    inference = importlib.import_module("sabio.algorithms.xgboost.inference")
    model = inference.model_fn(result["_model_dir"])
    body = test.drop(columns=["Class"]).to_csv(index=False, header=False)
    prediction = inference.predict_fn(inference.input_fn(body, "text/csv"), model)
    y = test["Class"].to_numpy()
    weights = np.where(y == 1, 1.0, FRAUD_WEIGHT)
    section = result["binary_classification_metrics"]
    scores = prediction.scores
    weighted = average_precision_score(y, scores, sample_weight=weights)
    return [
        (case, "AUPRC (10% test)", _with_ci(section["pr_auc"]), "≥ 0.89"),
        (case, "ROC-AUC", _with_ci(section["roc_auc"]), "≥ 0.96"),
        (case, "AUPRC via handlers", f"{average_precision_score(y, scores):.4f}", ""),
        (case, "ROC-AUC via handlers", f"{roc_auc_score(y, scores):.4f}", ""),
        (case, "AUPRC at full-data prevalence", f"{weighted:.4f}", "report"),
        (case, "time, 1 job", f"{seconds:.1f} s", ""),
    ]


def fraud_cv(tmp: Path) -> list[tuple[str, str, str, str]]:
    """Fraud sample, stratified 5-fold (seed 1729), train/validation 7:2 inside each fold."""
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import train_test_split

    frame = pd.read_csv(DATASETS / "creditcard_sample.csv.gz")
    folds = _folds(len(frame), 5, 1729, strata=frame["Class"].to_numpy())
    inference = importlib.import_module("sabio.algorithms.xgboost.inference")
    rows = []
    for label, hps in (("defaults", XGB_FRAUD), ("tutorial", XGB_FRAUD_TUTORIAL)):
        pr, roc, weighted = [], [], []
        started = time.perf_counter()
        for index, test_rows in enumerate(folds):
            mask = np.zeros(len(frame), dtype=bool)
            mask[test_rows] = True
            train, valid = train_test_split(
                frame[~mask], test_size=2 / 9, stratify=frame[~mask]["Class"], random_state=1729
            )
            test = frame[mask]
            channels = {"train": train, "validation": valid, "test": test}
            root = tmp / f"fraud-cv-{label}-{index}"
            result = run_builtin("xgboost", channels, hps | {"target": "Class"}, root)
            section = result["binary_classification_metrics"]
            pr.append(section["pr_auc"]["value"])
            roc.append(section["roc_auc"]["value"])
            model = inference.model_fn(result["_model_dir"])
            body = test.drop(columns=["Class"]).to_csv(index=False, header=False)
            scores = inference.predict_fn(inference.input_fn(body, "text/csv"), model).scores
            y = test["Class"].to_numpy()
            weights = np.where(y == 1, 1.0, FRAUD_WEIGHT)
            weighted.append(average_precision_score(y, scores, sample_weight=weights))
        seconds = time.perf_counter() - started
        case = f"fraud xgboost ({label})"
        rows += [
            (case, "AUPRC (5-fold)", f"{_mean_sd(pr)} (min {min(pr):.4f})", "≥ 0.89"),
            (case, "ROC-AUC (5-fold)", f"{_mean_sd(roc)} (min {min(roc):.4f})", "≥ 0.96"),
            (case, "AUPRC at full-data prevalence", _mean_sd(weighted), "report"),
            (case, "time, 5 jobs", f"{seconds:.1f} s", ""),
        ]
    return rows


def main(argv: list[str]) -> int:
    """Run the chosen protocols (all by default) and print the table."""
    if not DATASETS.is_dir():
        print(f"Datasets folder {DATASETS} not found; nothing to measure.")
        return 0
    chosen = argv or ["insurance", "cancer", "fraud"]
    protocols = {"insurance": insurance, "cancer": cancer, "fraud": fraud, "fraud-cv": fraud_cv}
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in chosen:
            rows.extend(protocols[name](Path(tmp)))
    header = ("case", "metric", "sabio", "target")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
