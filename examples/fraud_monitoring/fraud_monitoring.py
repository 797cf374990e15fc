"""Fraud detection, registered and monitored: two versions, approval, capture, drift.

    python examples/fraud_monitoring/fraud_monitoring.py [--data DIR] [--fast] [--out DIR]

# requires: creditcard_sample.csv.gz

The notebook ``fraud_monitoring.ipynb`` has the same cells.
"""

# %% [markdown]
# # Fraud detection: model registry and data-quality monitoring
#
# Two XGBoost versions of a card-fraud model are registered in a model package group with
# their evaluation reports; the one with the better validation AUPRC is approved and
# deployed with data capture. Model Monitor baselines the training features, then watches
# the endpoint's traffic: first normal transactions, then shifted ones (amounts tripled and
# the `V14` component moved). The monitoring run flags exactly the shifted features.

# %%
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
sys.path.insert(0, str(HERE.parent))

import numpy as np
import pandas as pd
from _common import example_args
from sklearn.metrics import average_precision_score
from sklearn.model_selection import train_test_split

import sabio as sagemaker
from sabio import registry
from sabio.deserializers import CSVDeserializer
from sabio.inputs import TrainingInput
from sabio.model import ModelPackage
from sabio.model_metrics import MetricsSource, ModelMetrics
from sabio.model_monitor import (
    CronExpressionGenerator,
    DataCaptureConfig,
    DatasetFormat,
    DefaultModelMonitor,
)
from sabio.serializers import CSVSerializer

args = example_args("fraud_monitoring", "Fraud model registry and monitoring")
session = sagemaker.Session()
bucket = session.default_bucket()
prefix = "fraud-monitoring"

# %% [markdown]
# ## Data: label first, no header, for the built-in; the features alone, with a header, for
# the monitoring baseline

# %%
frame = pd.read_csv(args.dataset("creditcard_sample.csv.gz"))
frame = pd.concat([frame["Class"], frame.drop(columns="Class")], axis=1)
train, rest = train_test_split(frame, test_size=0.3, random_state=1729, stratify=frame["Class"])
validation, traffic = train_test_split(
    rest, test_size=0.5, random_state=1729, stratify=rest["Class"]
)
for name, part in (("train", train), ("validation", validation)):
    part.to_csv(args.out / f"{name}.csv", header=False, index=False)
train.drop(columns="Class").to_csv(args.out / "baseline.csv", index=False)
inputs = {
    name: TrainingInput(
        session.upload_data(str(args.out / f"{name}.csv"), key_prefix=f"{prefix}/{name}"),
        content_type="text/csv",
    )
    for name in ("train", "validation")
}
print({n: len(p) for n, p in [("train", train), ("validation", validation), ("traffic", traffic)]})

# %% [markdown]
# ## Two versions in a model package group, each with its evaluation report

# %%
session.create_model_package_group(prefix, "Card fraud classifiers (XGBoost)")
container = sagemaker.image_uris.retrieve("xgboost", session.boto_region_name, "1.7-1")
rounds = 20 if args.fast else 100
candidates = {"shallow": {"max_depth": 2, "eta": 0.5}, "deeper": {"max_depth": 5, "eta": 0.2}}
packages, auprc = {}, {}
for label, hyperparameters in candidates.items():
    estimator = sagemaker.estimator.Estimator(
        container,
        role=sagemaker.get_execution_role(),
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    )
    estimator.set_hyperparameters(
        objective="binary:logistic", num_round=rounds, subsample=0.8, **hyperparameters
    )
    estimator.fit(inputs, logs=False)
    scorer = estimator.deploy(serializer=CSVSerializer(), deserializer=CSVDeserializer())
    scores = np.asarray(
        scorer.predict(validation.drop(columns="Class").to_numpy()), dtype=float
    ).ravel()
    scorer.delete_endpoint()
    auprc[label] = float(average_precision_score(validation["Class"], scores))
    report = session.upload_string_as_file_body(
        json.dumps({"binary_classification_metrics": {"auprc": {"value": auprc[label]}}}),
        bucket,
        f"{prefix}/evaluation/{label}.json",
    )
    packages[label] = estimator.register(
        content_types=["text/csv"],
        response_types=["text/csv"],
        inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"],
        model_package_group_name=prefix,
        model_metrics=ModelMetrics(
            model_statistics=MetricsSource(content_type="application/json", s3_uri=report)
        ),
        description=f"{label}: {hyperparameters}",
    )
print({label: round(value, 4) for label, value in auprc.items()})

# %% [markdown]
# ## Approve the better version, reject the other; what changed between them

# %%
best = max(auprc, key=auprc.__getitem__)
for label, package in packages.items():
    status = "Approved" if label == best else "Rejected"
    package.update_approval_status(status, f"validation AUPRC {auprc[label]:.4f}")
summaries = session.list_model_packages(prefix, sort_order="Ascending")["ModelPackageSummaryList"]
for summary in summaries:
    print(summary["ModelPackageVersion"], summary["ModelApprovalStatus"])
records = [
    session.catalog.model_packages().get(prefix, s["ModelPackageVersion"]) for s in summaries
]
changes = registry.diff_versions(records[0], records[1])
print("hyperparameters:", changes["hyperparameters"])
print("data changed:", bool(changes["data"]), "| code changed:", changes["code"]["changed"])

# %% [markdown]
# ## Deploy the approved version with data capture, and baseline the training features

# %%
approved = session.list_model_packages(prefix, model_approval_status="Approved")
arn = approved["ModelPackageSummaryList"][0]["ModelPackageArn"]
predictor = ModelPackage(sagemaker.get_execution_role(), model_package_arn=arn).deploy(
    initial_instance_count=1,
    instance_type="ml.m5.large",
    endpoint_name="fraud-live",
    serializer=CSVSerializer(),
    deserializer=CSVDeserializer(),
    data_capture_config=DataCaptureConfig(
        enable_capture=True,
        sampling_percentage=100,
        destination_s3_uri=f"s3://{bucket}/{prefix}/capture",
    ),
)
monitor = DefaultModelMonitor(role=sagemaker.get_execution_role(), sagemaker_session=session)
monitor.suggest_baseline(
    baseline_dataset=str(args.out / "baseline.csv"),
    dataset_format=DatasetFormat.csv(header=True),
    output_s3_uri=f"s3://{bucket}/{prefix}/baseline",
)
monitor.create_monitoring_schedule(
    endpoint_input=predictor.endpoint_name,
    output_s3_uri=f"s3://{bucket}/{prefix}/reports",
    monitor_schedule_name="fraud-data-quality",
    schedule_cron_expression=CronExpressionGenerator.hourly(),
)
print(monitor.describe_schedule()["MonitoringScheduleStatus"])

# %% [markdown]
# ## Normal traffic, then shifted traffic (amounts ×3, `V14` moved by +3)

# %%
features = traffic.drop(columns="Class")
capture = f"{prefix}/capture/fraud-live"


def captured() -> int:
    keys = session.list_s3_files(bucket, capture)
    return sum(session.read_s3_file(bucket, key).count("\n") for key in keys)


def send(rows: pd.DataFrame) -> int:
    batches = np.array_split(rows.to_numpy(), max(1, len(rows) // 50))
    for batch in batches:
        predictor.predict(batch)
    return len(batches)


start = time.time() - 1
sent = send(features)
while captured() < sent:  # capture files are written every few seconds
    time.sleep(0.5)
middle = time.time() + 1.1
time.sleep(max(0.0, middle - time.time()))
shifted = features.assign(Amount=features["Amount"] * 3, V14=features["V14"] + 3)
send(shifted)
predictor.delete_endpoint()  # writes what is still queued for capture
end = time.time() + 1

# %% [markdown]
# ## Monitoring: the normal period is clean, the shifted one flags `Amount` and `V14`

# %%
normal = monitor.run_monitoring_period(start, middle)
print("normal:", normal.constraint_violations().body_dict["violations"])
drifted = monitor.run_monitoring_period(middle, end)
violations = drifted.constraint_violations().body_dict["violations"]
for violation in violations:
    print(violation["feature_name"], violation["constraint_check_type"])
    print("   ", violation["description"])
flagged = {v["feature_name"] for v in violations}
print("executions:", [e.describe()["MonitoringExecutionStatus"] for e in monitor.list_executions()])
assert normal.constraint_violations().body_dict["violations"] == []
assert flagged == {"Amount", "V14"}, flagged
