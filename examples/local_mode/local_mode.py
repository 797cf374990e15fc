"""A SageMaker local-mode notebook, run unchanged with ``sabio run``.

    sabio run examples/local_mode/local_mode.py      # or local_mode.ipynb

The cells below are written for the SageMaker Python SDK (``import sagemaker``, local mode
with ``LocalSession`` and ``file://`` data); no line names sabio. ``sabio run`` turns the
``sagemaker`` alias on, so they run on this machine. Only the data step differs from a
notebook written for SageMaker: it writes scikit-learn's copy of the Breast Cancer Wisconsin
(Diagnostic) data to local files instead of downloading it (set ``SABIO_EXAMPLE_OUT`` to
choose the folder; ``out`` next to the current directory by default).
"""
# runner: sabio run

# %% [markdown]
# # Breast-cancer classification in SageMaker local mode
#
# A SageMaker local-mode workflow, exactly as written for SageMaker: a `LocalSession`, data
# under `file://`, a scikit-learn script trained with the `SKLearn` estimator on
# `instance_type="local"`, a real-time endpoint answering NumPy arrays, a batch transform
# writing to a local folder, and a model re-deployed from its `model.tar.gz` with
# `SKLearnModel`.

# %%
import os

import numpy as np
from sagemaker.local import LocalSession
from sagemaker.s3 import S3Downloader, S3Uploader
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.sklearn.model import SKLearnModel
from sagemaker.utils import name_from_base
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

sagemaker_session = LocalSession()
sagemaker_session.config = {"local": {"local_code": True}}
role = "arn:aws:iam::111111111111:role/service-role/AmazonSageMaker-ExecutionRole"
bucket = sagemaker_session.default_bucket()
prefix = "breast-cancer-local-mode"
if sagemaker_session.default_bucket_prefix:
    prefix = f"{sagemaker_session.default_bucket_prefix}/{prefix}"

# %% [markdown]
# ## Data: local CSV files (label first, no header), as SageMaker's SKLearn examples use

# %%
data_dir = os.environ.get("SABIO_EXAMPLE_OUT", "out")
os.makedirs(f"{data_dir}/train", exist_ok=True)
os.makedirs(f"{data_dir}/test", exist_ok=True)
features, labels = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    features, labels, test_size=0.2, stratify=labels, random_state=42
)
np.savetxt(f"{data_dir}/train/train.csv", np.column_stack([y_train, X_train]), delimiter=",")
np.savetxt(f"{data_dir}/test/test.csv", X_test, delimiter=",")
train_input = f"file://{data_dir}/train"
print(f"{len(y_train)} training rows, {len(y_test)} test rows")

# %% [markdown]
# ## Train in local mode

# %%
sklearn = SKLearn(
    entry_point="train.py",
    source_dir="code",
    framework_version="1.2-1",
    py_version="py3",
    instance_type="local",
    role=role,
    sagemaker_session=sagemaker_session,
    output_path=f"file://{data_dir}/models",
    hyperparameters={"n-estimators": 50, "min-samples-leaf": 2},
)
sklearn.fit({"train": train_input})

# %% [markdown]
# ## Deploy to a local endpoint and predict the test set

# %%
predictor = sklearn.deploy(initial_instance_count=1, instance_type="local")
predictions = predictor.predict(X_test)
accuracy = float(np.mean(predictions == y_test))
print(f"endpoint accuracy on the test set: {accuracy:.3f}")

# %% [markdown]
# ## Batch transform into a local folder

# %%
transformer = sklearn.transformer(
    instance_count=1,
    instance_type="local",
    output_path=f"file://{data_dir}/batch",
    accept="text/csv",
)
transformer.transform(f"file://{data_dir}/test", content_type="text/csv", split_type="Line")
batch = np.loadtxt(f"{data_dir}/batch/test.csv.out", delimiter=",")
print(f"batch transform wrote {len(batch)} predictions")

# %% [markdown]
# ## The test set in the session's bucket, through `S3Uploader`

# %%
test_uri = S3Uploader.upload(
    f"{data_dir}/test/test.csv", f"s3://{bucket}/{prefix}/test", sagemaker_session=sagemaker_session
)
print(S3Downloader.list(f"s3://{bucket}/{prefix}/test", sagemaker_session=sagemaker_session))

# %% [markdown]
# ## Re-deploy the trained model with `SKLearnModel`

# %%
model = SKLearnModel(
    model_data=sklearn.model_data,
    role=role,
    entry_point="train.py",
    source_dir="code",
    framework_version="1.2-1",
    sagemaker_session=sagemaker_session,
)
second = model.deploy(
    initial_instance_count=1, instance_type="local", endpoint_name=name_from_base("cancer")
)
agree = float(np.mean(second.predict(X_test[:20]) == predictions[:20]))
print(f"the re-deployed model agrees on {agree:.0%} of 20 rows")

# %% [markdown]
# ## Clean up: delete both endpoints

# %%
second.delete_endpoint()
predictor.delete_endpoint()
print("done")
