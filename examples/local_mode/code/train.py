"""Script-mode training for the local-mode example: a scikit-learn Random Forest.

Written as for SageMaker's SKLearn container: hyperparameters arrive as arguments, the
paths in SM_* variables, and model_fn loads the model for serving.
"""

import argparse
import os

import joblib
import numpy as np
from sklearn.ensemble import RandomForestClassifier


def model_fn(model_dir):
    """Load the model for serving (the SKLearn container calls this)."""
    return joblib.load(os.path.join(model_dir, "model.joblib"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--min-samples-leaf", type=int, default=1)
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN"))
    args, _ = parser.parse_known_args()

    data = np.loadtxt(os.path.join(args.train, "train.csv"), delimiter=",")
    labels, features = data[:, 0], data[:, 1:]
    model = RandomForestClassifier(
        n_estimators=args.n_estimators, min_samples_leaf=args.min_samples_leaf, random_state=0
    )
    model.fit(features, labels)
    print(f"train accuracy: {model.score(features, labels):.4f}")
    joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))
