"""The main job: the SageMaker workflow end to end on scikit-learn's breast-cancer data.

Run with ``make demo``. It uses a throw-away workspace under ``.sabio-demo`` unless
``SABIO_HOME`` is set, and prints a short summary at the end.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    os.environ.setdefault("SABIO_HOME", str(HERE.parents[1] / ".sabio-demo"))
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    import sabio as sagemaker
    from sabio.sklearn import SKLearn

    started = time.perf_counter()
    session = sagemaker.Session()
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.rename(columns={"target": "label"})
    train, test = train_test_split(frame, test_size=0.2, random_state=0, stratify=frame["label"])
    with tempfile.TemporaryDirectory() as tmp:
        train.to_csv(Path(tmp) / "train.csv", index=False)
        test.to_csv(Path(tmp) / "test.csv", index=False)
        train_uri = session.upload_data(Path(tmp) / "train.csv", key_prefix="demo/train")
        test_uri = session.upload_data(Path(tmp) / "test.csv", key_prefix="demo/test")
    print(f"[1/3] uploaded data: {train_uri}, {test_uri}")

    estimator = SKLearn(
        entry_point="train_rf.py",
        source_dir=str(HERE),
        role=sagemaker.get_execution_role(),
        instance_type="local",
        framework_version="1.2-1",
        hyperparameters={"n-estimators": 200, "max-depth": 6},
        metric_definitions=[
            {"Name": "test:accuracy", "Regex": r"test accuracy: ([0-9\.]+)"},
            {"Name": "test:malignant_recall", "Regex": r"malignant recall: ([0-9\.]+)"},
        ],
        base_job_name="demo-breast-cancer-rf",
    )
    print("[2/3] training a random forest in script mode ...")
    estimator.fit({"train": train_uri, "test": test_uri}, logs=False)
    description = estimator.describe()
    metrics = {m["MetricName"]: m["Value"] for m in description["FinalMetricDataList"]}
    usage = description["ResourceUsage"]
    print("[3/3] done")
    print()
    print("Summary")
    print(f"  job            {description['TrainingJobName']} ({description['TrainingJobStatus']})")
    print(f"  test accuracy  {metrics.get('test:accuracy', float('nan')):.4f}")
    print(f"  malignant recall {metrics.get('test:malignant_recall', float('nan')):.4f}")
    print(f"  job wall time  {usage['WallSeconds']:.2f} s, CPU {usage['CpuSeconds']:.2f} s")
    print(f"  model          {estimator.model_data}")
    print(f"  workspace      {session.settings.home}")
    print(f"  total          {time.perf_counter() - started:.1f} s")
    return 0 if description["TrainingJobStatus"] == "Completed" else 1


if __name__ == "__main__":
    sys.exit(main())
