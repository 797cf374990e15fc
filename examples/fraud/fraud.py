"""Fraud detection with the built-in XGBoost, as in the SageMaker tutorial, then tuned.

    python examples/fraud/fraud.py [--data DIR] [--fast] [--out DIR]

# requires: creditcard_sample.csv.gz

The notebook ``fraud.ipynb`` has the same cells.
"""

# %% [markdown]
# # Credit-card fraud detection with the built-in XGBoost
#
# SageMaker's XGBoost tutorial, locally: a headerless CSV with the label in the first column,
# a 70/20/10 split, the tutorial's hyperparameters, an endpoint fed with `CSVSerializer` in
# mini-batches of 500 rows, a confusion matrix — and then a tuning job over `eta`,
# `min_child_weight`, `alpha` and `max_depth` on `validation:auc`, deploying the best model.
#
# Frauds are rare (9% in this sample, 0.17% in the full data), so accuracy says little: a
# model that never flags fraud is 91% accurate here. The headline is the **area under the
# precision-recall curve (AUPRC)**, also re-weighted to the full data's prevalence.

# %%
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
sys.path.insert(0, str(HERE.parent))

import numpy as np
import pandas as pd
from _common import example_args
from sklearn.metrics import average_precision_score, confusion_matrix, roc_auc_score
from sklearn.model_selection import train_test_split

import sabio as sagemaker
from sabio.deserializers import CSVDeserializer
from sabio.inputs import TrainingInput
from sabio.parameter import ContinuousParameter, IntegerParameter
from sabio.serializers import CSVSerializer
from sabio.tuner import HyperparameterTuner

args = example_args("fraud", "Fraud detection with the built-in XGBoost")
session = sagemaker.Session()
prefix = "fraud-xgboost"

# %% [markdown]
# ## Data: label first, no header; stratified 70/20/10 split with seed 1729

# %%
frame = pd.read_csv(args.dataset("creditcard_sample.csv.gz"))
frame = pd.concat([frame["Class"], frame.drop(columns="Class")], axis=1)
train, rest = train_test_split(frame, test_size=0.3, random_state=1729, stratify=frame["Class"])
validation, test = train_test_split(
    rest, test_size=1 / 3, random_state=1729, stratify=rest["Class"]
)
for name, part in (("train", train), ("validation", validation)):
    part.to_csv(args.out / f"{name}.csv", header=False, index=False)
train_uri = session.upload_data(str(args.out / "train.csv"), key_prefix=f"{prefix}/train")
validation_uri = session.upload_data(
    str(args.out / "validation.csv"), key_prefix=f"{prefix}/validation"
)
print({n: (len(p), round(p["Class"].mean(), 4)) for n, p in [("train", train), ("test", test)]})

# %% [markdown]
# ## Train the built-in XGBoost with the tutorial's hyperparameters

# %%
container = sagemaker.image_uris.retrieve("xgboost", session.boto_region_name, "1.7-1")
xgb = sagemaker.estimator.Estimator(
    container,
    role=sagemaker.get_execution_role(),
    instance_count=1,
    instance_type="ml.m4.xlarge",
    output_path=f"s3://{session.default_bucket()}/{prefix}/output",
    sagemaker_session=session,
)
xgb.set_hyperparameters(
    max_depth=5,
    eta=0.2,
    gamma=4,
    min_child_weight=6,
    subsample=0.8,
    objective="binary:logistic",
    num_round=100,
)
xgb.fit(
    {
        "train": TrainingInput(train_uri, content_type="text/csv"),
        "validation": TrainingInput(validation_uri, content_type="text/csv"),
    }
)

# %% [markdown]
# ## Deploy and predict the test set in mini-batches of 500 rows

# %%
xgb_predictor = xgb.deploy(
    initial_instance_count=1,
    instance_type="ml.m4.xlarge",
    serializer=CSVSerializer(),
    deserializer=CSVDeserializer(),
)
features = test.drop(columns="Class").to_numpy()
truth = test["Class"].to_numpy()


def predict(
    predictor: sagemaker.predictor.Predictor, data: np.ndarray, rows: int = 500
) -> np.ndarray:
    batches = np.array_split(data, int(data.shape[0] / float(rows) + 1))
    return np.concatenate([np.asarray(predictor.predict(b), dtype=float).ravel() for b in batches])


def report(scores: np.ndarray) -> dict[str, float]:
    weights = np.where(truth == 1, 1.0, 284315 / 4920)  # non-frauds re-weighted to 0.172%
    return {
        "AUPRC": average_precision_score(truth, scores),
        "AUPRC (full-data prevalence)": average_precision_score(
            truth, scores, sample_weight=weights
        ),
        "ROC-AUC": roc_auc_score(truth, scores),
    }


scores = predict(xgb_predictor, features)
print("confusion matrix at 0.5 (rows: true 0, 1; columns: predicted 0, 1)")
print(confusion_matrix(truth, (scores > 0.5).astype(int)))
baseline = report(scores)
print({k: round(v, 4) for k, v in baseline.items()})

# %% [markdown]
# ## Tune on `validation:auc`: 9 jobs, 3 at a time
# The built-in reports `validation:auc` because the tuner asks for it, even though the
# hyperparameters above do not name an `eval_metric`.

# %%
tuner = HyperparameterTuner(
    xgb,
    objective_metric_name="validation:auc",
    hyperparameter_ranges={
        "eta": ContinuousParameter(0, 1),
        "min_child_weight": ContinuousParameter(0, 10),
        "alpha": ContinuousParameter(0, 2),
        "max_depth": IntegerParameter(1, 10),
    },
    max_jobs=3 if args.fast else 9,
    max_parallel_jobs=3,
    random_seed=1729,
)
tuner.fit(
    {
        "train": TrainingInput(train_uri, content_type="text/csv"),
        "validation": TrainingInput(validation_uri, content_type="text/csv"),
    }
)
trials = tuner.analytics().dataframe().sort_values("FinalObjectiveValue", ascending=False)
print(trials[["TrainingJobName", "FinalObjectiveValue", "eta", "max_depth"]].to_string())

# %% [markdown]
# ## Deploy the best model, compare, and delete both endpoints

# %%
best_predictor = tuner.deploy(
    initial_instance_count=1,
    instance_type="ml.m4.xlarge",
    serializer=CSVSerializer(),
    deserializer=CSVDeserializer(),
)
tuned = report(predict(best_predictor, features))
print(f"{'':<30}{'tutorial':>10}{'tuned':>10}")
for name in baseline:
    print(f"{name:<30}{baseline[name]:>10.4f}{tuned[name]:>10.4f}")
for predictor in (xgb_predictor, best_predictor):
    predictor.delete_endpoint()
print("endpoints deleted")
assert baseline["ROC-AUC"] > 0.9
