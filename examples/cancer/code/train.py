"""Breast-cancer Random Forest: a SageMaker script-mode training script, unchanged.

It reads the ``train`` channel (CSV with a header, label column ``label``), fits a
scikit-learn RandomForestClassifier, prints metrics the estimator's metric_definitions pick
up, saves the model with joblib, and defines ``model_fn`` for serving — the same file runs
on SageMaker's SKLearn container.
"""

import argparse
import os
from pathlib import Path

import joblib
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score


def model_fn(model_dir):
    """Load the model for serving (SageMaker's inference handler contract)."""
    return joblib.load(Path(model_dir) / "model.joblib")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--max-depth", type=int, default=None)
    parser.add_argument("--min-samples-leaf", type=int, default=1)
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN"))
    args = parser.parse_args()

    train = pd.read_csv(Path(args.train) / "train.csv")
    features = [c for c in train.columns if c != "label"]
    model = RandomForestClassifier(
        n_estimators=args.n_estimators,
        max_depth=args.max_depth,
        min_samples_leaf=args.min_samples_leaf,
        random_state=0,
        n_jobs=-1,
    )
    scores = cross_val_score(model, train[features], train["label"], cv=5)
    print(f"cv accuracy: {scores.mean():.4f}")
    model.fit(train[features], train["label"])
    joblib.dump(model, Path(args.model_dir) / "model.joblib")
