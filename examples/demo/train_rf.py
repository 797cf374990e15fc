"""A SageMaker script-mode training script (runs unchanged on SageMaker's SKLearn image)."""

import argparse
import json
import os
from pathlib import Path

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, recall_score


def model_fn(model_dir: str) -> dict:
    """Load the model for serving (SageMaker's inference handler contract)."""
    return json.loads((Path(model_dir) / "model-info.json").read_text())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--max-depth", type=int, default=None)
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN"))
    parser.add_argument("--test", default=os.environ.get("SM_CHANNEL_TEST"))
    args = parser.parse_args()

    train = pd.read_csv(Path(args.train) / "train.csv")
    test = pd.read_csv(Path(args.test) / "test.csv")
    features = [c for c in train.columns if c != "label"]
    model = RandomForestClassifier(
        n_estimators=args.n_estimators, max_depth=args.max_depth, random_state=0, n_jobs=-1
    )
    model.fit(train[features], train["label"])
    predicted = model.predict(test[features])
    print(f"test accuracy: {accuracy_score(test['label'], predicted):.4f}")
    # label 0 is malignant in scikit-learn's copy of the data
    print(f"malignant recall: {recall_score(test['label'], predicted, pos_label=0):.4f}")
    info = {"features": features, "n_estimators": args.n_estimators}
    (Path(args.model_dir) / "model-info.json").write_text(json.dumps(info))
