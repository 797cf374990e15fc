"""Breast-cancer classification with a Random Forest in script mode, deployed and deleted.

    python examples/cancer/cancer.py [--fast] [--out DIR]

Uses scikit-learn's copy of the Breast Cancer Wisconsin (Diagnostic) data; needs no
dataset file. The notebook ``cancer.ipynb`` has the same cells.
"""

# %% [markdown]
# # Breast-cancer classification with a Random Forest (script mode)
#
# The SageMaker tutorial workflow, locally: split the data, upload it, train a scikit-learn
# script unchanged with the `SKLearn` estimator, deploy the model to an endpoint, predict the
# test set, read the confusion matrix — in medicine the number that matters most is the
# **recall on malignant tumours** (a missed cancer costs far more than a false alarm) — and
# delete the endpoint so nothing keeps running.

# %%
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
sys.path.insert(0, str(HERE.parent))

import numpy as np
from _common import example_args
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import accuracy_score, confusion_matrix, recall_score
from sklearn.model_selection import train_test_split

import sabio as sagemaker
from sabio.serializers import CSVSerializer
from sabio.sklearn import SKLearn

args = example_args("cancer", "Breast-cancer Random Forest in script mode")
session = sagemaker.Session()

# %% [markdown]
# ## Data: stratified 80/20 split, uploaded to the store
# Label 0 is *malignant* (212 cases), 1 is *benign* (357) in scikit-learn's copy.

# %%
data = load_breast_cancer(as_frame=True)
frame = data.frame.rename(columns={"target": "label"})
train, test = train_test_split(frame, test_size=0.2, random_state=0, stratify=frame["label"])
train_dir = args.out / "train"
train_dir.mkdir(parents=True, exist_ok=True)
train.to_csv(train_dir / "train.csv", index=False)
train_uri = session.upload_data(str(train_dir), key_prefix="cancer/train")
print(f"train {train.shape}, test {test.shape} -> {train_uri}")

# %% [markdown]
# ## Train the script unchanged (`code/train.py`)

# %%
estimator = SKLearn(
    entry_point="train.py",
    source_dir=str(HERE / "code"),
    role=sagemaker.get_execution_role(),
    instance_count=1,
    instance_type="local",
    framework_version="1.2-1",
    hyperparameters={"n-estimators": 100 if args.fast else 300, "min-samples-leaf": 1},
    metric_definitions=[{"Name": "cv:accuracy", "Regex": r"cv accuracy: ([0-9\.]+)"}],
    base_job_name="cancer-rf",
)
estimator.fit({"train": train_uri})
print("model:", estimator.model_data)

# %% [markdown]
# ## Deploy and predict the test set
# The endpoint is a local HTTP server; the predictor sends CSV rows and reads JSON back.

# %%
predictor = estimator.deploy(
    initial_instance_count=1, instance_type="local", serializer=CSVSerializer()
)
features = test.drop(columns="label").to_numpy()
predicted = np.concatenate(
    [np.asarray(predictor.predict(chunk)).ravel() for chunk in np.array_split(features, 4)]
).astype(int)
print("endpoint:", predictor.endpoint_name, predictor.describe()["Url"])

# %% [markdown]
# ## Confusion matrix and malignant recall

# %%
truth = test["label"].to_numpy()
matrix = confusion_matrix(truth, predicted, labels=[0, 1])
accuracy = accuracy_score(truth, predicted)
malignant_recall = recall_score(truth, predicted, pos_label=0)
print("confusion matrix (rows: true malignant, benign; columns: predicted)")
print(matrix)
print(f"accuracy {accuracy:.3f}, malignant recall {malignant_recall:.3f}")
print(f"missed cancers: {matrix[0, 1]} of {matrix[0].sum()}")

# %% [markdown]
# ## Clean up: delete the endpoint
# A forgotten SageMaker endpoint bills by the hour; a forgotten local one holds a port and
# memory. Always delete what you deployed.

# %%
predictor.delete_endpoint()
predictor.delete_model()
print("endpoint deleted")
assert accuracy > 0.9
