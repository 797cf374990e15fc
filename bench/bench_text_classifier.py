"""Text-classifier built-in on Symptom2Disease: accuracy, macro-F1 and training time of the
three model types, next to the published figures and a plain scikit-learn baseline measured
in the same run.

Protocol: texts deduplicated (1153 of 1200 are unique), stratified 80/20 split with seed 0
(``--folds 5`` for stratified 5-fold instead). Each model trains as a real job program
(``python -m sabio.algorithms.text_classifier``) in its own job folder; neural models hold
out 10% of the training texts for early stopping.

Usage:
    python bench/bench_text_classifier.py [--data ../shared/datasets/symptom2disease.csv]
        [--models tfidf,bilstm,pretrained] [--folds 1] [--hp pretrained:freeze_layers=2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
PUBLISHED = {
    "tfidf": "TF-IDF + linear ≈ 0.98",
    "bilstm": "BiLSTM ≈ 0.97",
    "pretrained": "BERT-family fine-tunes 0.98–0.99",
}
TARGET = {"tfidf": 0.96, "bilstm": 0.93, "pretrained": 0.97}


def run_job(
    root: Path, train: pd.DataFrame, test: pd.DataFrame, hps: dict[str, object]
) -> dict[str, float]:
    """Train one model as a job program; returns accuracy, macro-F1 and seconds."""
    for name, frame in (("train", train), ("test", test)):
        (root / "data" / name).mkdir(parents=True)
        frame.to_csv(root / "data" / name / "data.csv", index=False)
    env = dict(
        os.environ,
        SAGEMAKER_BASE_DIR=str(root),
        SM_MODEL_DIR=str(root / "model"),
        SM_OUTPUT_DATA_DIR=str(root / "output" / "data"),
        SM_OUTPUT_DIR=str(root / "output"),
        SM_CHANNELS='["train", "test"]',
        SM_CHANNEL_TRAIN=str(root / "data" / "train"),
        SM_CHANNEL_TEST=str(root / "data" / "test"),
        SM_HPS=json.dumps(hps),
        SM_NUM_CPUS=str(os.cpu_count() or 1),
        SABIO_METRICS_FILE=str(root / "metrics.jsonl"),
        PYTHONPATH=str(HERE.parent / "src"),
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sabio.algorithms.text_classifier"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{hps['model_type']} failed:\n{result.stderr[-3000:]}")
    section = json.loads((root / "model" / "evaluation.json").read_text())[
        "multiclass_classification_metrics"
    ]
    return {
        "accuracy": section["accuracy"]["value"],
        "macro_f1": section["f1"]["value"],
        "seconds": seconds,
    }


def sklearn_baseline(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, float]:
    """The same TF-IDF + logistic regression written directly with scikit-learn."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.pipeline import make_pipeline

    started = time.perf_counter()
    pipe = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(C=10, max_iter=1000),
    )
    pipe.fit(train["text"], train["label"])
    predicted = pipe.predict(test["text"])
    return {
        "accuracy": accuracy_score(test["label"], predicted),
        "macro_f1": f1_score(test["label"], predicted, average="macro"),
        "seconds": time.perf_counter() - started,
    }


def _load() -> str:
    """The 1/5/15-minute load averages: timings on a shared machine depend on them."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def splits(frame: pd.DataFrame, folds: int) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    from sklearn.model_selection import StratifiedKFold, train_test_split

    if folds <= 1:
        train, test = train_test_split(
            frame, test_size=0.2, stratify=frame["label"], random_state=0
        )
        return [(train, test)]
    kfold = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return [(frame.iloc[a], frame.iloc[b]) for a, b in kfold.split(frame, frame["label"])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(HERE.parent / ".." / "shared" / "datasets" / "symptom2disease.csv")
    )
    parser.add_argument("--models", default="tfidf,bilstm,pretrained")
    parser.add_argument("--folds", type=int, default=1)
    parser.add_argument("--hp", action="append", default=[], help="model:name=value")
    args = parser.parse_args()
    path = Path(args.data)
    if not path.is_file():
        print(f"skipped: {path} not found")
        return 0
    frame = pd.read_csv(path)[["label", "text"]].drop_duplicates("text").reset_index(drop=True)
    extra: dict[str, dict[str, str]] = {}
    for item in args.hp:
        model, _, assignment = item.partition(":")
        key, _, value = assignment.partition("=")
        extra.setdefault(model, {})[key] = value
    print(f"Symptom2Disease: {len(frame)} unique texts, {frame['label'].nunique()} classes, "
          f"{'80/20 split' if args.folds <= 1 else f'{args.folds}-fold'}, seed 0, "
          f"{os.cpu_count()} CPUs, load average {_load()}")  # fmt: skip
    rows = []
    for fold, (train, test) in enumerate(splits(frame, args.folds)):
        rows.append(
            {"model": "scikit-learn tfidf+LR", "fold": fold, **sklearn_baseline(train, test)}
        )
        for model in args.models.split(","):
            hps = {"model_type": model, **extra.get(model, {})}
            with tempfile.TemporaryDirectory() as tmp:
                result = run_job(Path(tmp), train, test, hps)
            rows.append({"model": f"sabio {model}", "fold": fold, **result})
            print(f"  fold {fold} {model}: {result}", flush=True)
    table = pd.DataFrame(rows).groupby("model", sort=False)[["accuracy", "macro_f1", "seconds"]]
    summary = table.agg(["mean", "std"]) if args.folds > 1 else table.mean()
    print(summary.round(4).to_string())
    print(f"Load average at the end (other processes share the CPUs): {_load()}")
    print("Published: " + "; ".join(PUBLISHED[m] for m in args.models.split(",")))
    print("Targets (accuracy): " + ", ".join(f"{m} >= {TARGET[m]}" for m in args.models.split(",")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
