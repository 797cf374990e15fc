"""The main job: the whole SageMaker lifecycle on scikit-learn's breast-cancer data.

    make demo                              # or: python examples/demo/run.py [--fast]

Upload data → train the built-in XGBoost → a small tuning job → deploy the best model →
predict a few rows as CSV and JSON → batch-transform a file → show the evaluation report →
delete the endpoint. It uses its own workspace under ``.sabio-demo`` (unless ``SABIO_HOME``
is set), prints progress and a summary, leaves nothing running, and can be re-run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STEPS = 7


class Progress:
    """Numbered steps with their wall time, collected for the summary."""

    def __init__(self) -> None:
        self.timings: list[tuple[str, float]] = []
        self.started = time.perf_counter()

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        number = len(self.timings) + 1
        print(f"[{number}/{STEPS}] {title} ...", flush=True)
        began = time.perf_counter()
        yield
        elapsed = time.perf_counter() - began
        self.timings.append((title, elapsed))
        print(f"      done in {elapsed:.1f} s", flush=True)


def _split(seed: int = 0) -> dict[str, Any]:
    """Breast-cancer data as SageMaker's built-ins want it: label first, no header."""
    import pandas as pd
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer(as_frame=True)
    # Predict "malignant" (scikit-learn's class 0) as the positive class.
    frame = pd.concat([(data.target == 0).astype(int).rename("malignant"), data.data], axis=1)
    train, rest = train_test_split(
        frame, test_size=0.4, random_state=seed, stratify=frame.iloc[:, 0]
    )
    validation, test = train_test_split(
        rest, test_size=0.5, random_state=seed, stratify=rest.iloc[:, 0]
    )
    return {"train": train, "validation": validation, "test": test}


def _evaluation(session: Any, model_data: str, out: Path) -> tuple[dict[str, Any], Path]:
    bucket, _, key = model_data.removeprefix("s3://").partition("/")
    session.download_data(str(out), bucket=bucket, key_prefix=key)
    with tarfile.open(out / Path(key).name) as archive:
        archive.extractall(out / "model", filter="data")
    return json.loads(
        (out / "model" / "evaluation.json").read_text()
    ), out / "model" / "report.html"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="fewer rounds and trials (for CI)")
    args = parser.parse_args()
    os.environ.setdefault("SABIO_HOME", str(HERE.parents[1] / ".sabio-demo"))
    progress = Progress()
    rounds = 20 if args.fast else 100

    import numpy as np

    import sabio as sagemaker
    from sabio.deserializers import CSVDeserializer, JSONDeserializer
    from sabio.inputs import TrainingInput
    from sabio.parameter import ContinuousParameter, IntegerParameter
    from sabio.serializers import CSVSerializer, JSONSerializer
    from sabio.tuner import HyperparameterTuner

    session = sagemaker.Session()
    work = Path(session.settings.home) / "demo-runs" / time.strftime("%Y%m%d-%H%M%S")
    work.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {}

    with progress.step("Upload the breast-cancer data to the store"):
        parts = _split()
        uris = {}
        for name, frame in parts.items():
            frame.to_csv(work / f"{name}.csv", header=False, index=False)
            uris[name] = session.upload_data(str(work / f"{name}.csv"), key_prefix=f"demo/{name}")
        channels = {
            name: TrainingInput(uris[name], content_type="text/csv")
            for name in ("train", "validation", "test")
        }
        print(f"      {', '.join(f'{n}: {len(f)} rows' for n, f in parts.items())}")

    with progress.step("Train the built-in XGBoost"):
        xgb = sagemaker.estimator.Estimator(
            sagemaker.image_uris.retrieve("xgboost"),
            role=sagemaker.get_execution_role(),
            instance_count=1,
            instance_type="local",
            base_job_name="demo-xgboost",
            hyperparameters={
                "objective": "binary:logistic",
                "num_round": rounds,
                "max_depth": 4,
                "eta": 0.2,
                "eval_metric": "auc",
            },
        )
        xgb.fit(channels, logs=False)
        final = {m["MetricName"]: m["Value"] for m in xgb.describe()["FinalMetricDataList"]}
        summary["trained"] = (xgb.latest_training_job.name, final.get("validation:auc"))
        print(f"      validation AUC {final.get('validation:auc', float('nan')):.4f}")

    with progress.step("Tune eta and max_depth on validation:auc"):
        tuner = HyperparameterTuner(
            xgb,
            objective_metric_name="validation:auc",
            hyperparameter_ranges={
                "eta": ContinuousParameter(0.05, 0.5, scaling_type="Logarithmic"),
                "max_depth": IntegerParameter(2, 6),
            },
            max_jobs=4 if args.fast else 8,
            max_parallel_jobs=2,
            base_tuning_job_name="demo-tuning",
            random_seed=0,
        )
        tuner.fit(channels, wait=True)
        trials = tuner.analytics().dataframe()
        best = tuner.best_training_job()
        best_auc = float(trials["FinalObjectiveValue"].max())
        summary["tuned"] = (best, best_auc, len(trials))
        print(f"      {len(trials)} trials, best {best} with validation AUC {best_auc:.4f}")

    with progress.step("Deploy the best model and predict (CSV and JSON)"):
        started = time.perf_counter()
        predictor = tuner.deploy(
            initial_instance_count=1,
            instance_type="local",
            serializer=CSVSerializer(),
            deserializer=CSVDeserializer(),
        )
        try:
            rows = parts["test"].iloc[:3, 1:].to_numpy()
            as_csv = np.asarray(predictor.predict(rows), dtype=float).ravel()
            summary["first_prediction_s"] = time.perf_counter() - started
            # A second client of the same endpoint, speaking JSON.
            json_client = sagemaker.Predictor(
                predictor.endpoint_name,
                serializer=JSONSerializer(),
                deserializer=JSONDeserializer(),
            )
            as_json = json_client.predict({"instances": rows.tolist()})
            truth = parts["test"].iloc[:3, 0].tolist()
            print(f"      CSV  -> {np.round(as_csv, 3).tolist()} (truth {truth})")
            print(f"      JSON -> {json.dumps(as_json)[:100]}")
            summary["endpoint"] = (predictor.endpoint_name, predictor.describe()["Url"])
        except BaseException:
            predictor.delete_endpoint()
            raise

    with progress.step("Batch-transform the test file"):
        try:
            features = work / "transform" / "test-features.csv"
            features.parent.mkdir()
            parts["test"].iloc[:, 1:].to_csv(features, header=False, index=False)
            input_uri = session.upload_data(str(features), key_prefix="demo/transform-input")
            transformer = tuner.best_estimator().transformer(
                instance_count=1,
                instance_type="local",
                strategy="MultiRecord",
                assemble_with="Line",
                accept="text/csv",
            )
            transformer.transform(input_uri, content_type="text/csv", split_type="Line", wait=True)
            out_uri = f"{transformer.output_path.rstrip('/')}/test-features.csv.out"
            scores = np.array(
                session.read_s3_file(*out_uri.removeprefix("s3://").split("/", 1)).split(),
                dtype=float,
            )
            labels = parts["test"].iloc[:, 0].to_numpy()
            accuracy = float(((scores > 0.5).astype(int) == labels).mean())
            summary["transform"] = (out_uri, len(scores), accuracy)
            print(f"      {len(scores)} rows scored -> {out_uri}")
        except BaseException:
            predictor.delete_endpoint()
            raise

    with progress.step("Read the evaluation report of the best model"):
        evaluation, report = _evaluation(session, tuner.best_estimator().model_data, work)
        metrics = evaluation["binary_classification_metrics"]
        summary["evaluation"] = {
            k: metrics[k] for k in ("accuracy", "recall", "roc_auc", "pr_auc") if k in metrics
        }
        summary["report"] = report

    with progress.step("Delete the endpoint"):
        predictor.delete_endpoint()
        predictor.delete_model()

    total = time.perf_counter() - progress.started
    print("\nSummary")
    print(f"  trained     {summary['trained'][0]}  (validation AUC {summary['trained'][1]:.4f})")
    best, best_auc, count = summary["tuned"]
    print(f"  tuned       {count} trials; best {best}  (validation AUC {best_auc:.4f})")
    print(f"  endpoint    {summary['endpoint'][0]} at {summary['endpoint'][1]} (deleted)")
    print(f"              deploy -> first prediction {summary['first_prediction_s']:.2f} s")
    out_uri, scored, accuracy = summary["transform"]
    print(f"  transform   {scored} rows, accuracy {accuracy:.3f} -> {out_uri}")
    print(
        "  test set    "
        + ", ".join(
            f"{name} {value['value']:.3f} [{value['ci_lower']:.3f}, {value['ci_upper']:.3f}]"
            for name, value in summary["evaluation"].items()
        )
    )
    print(f"  report      {summary['report']}")
    print(f"  workspace   {session.settings.home}")
    for title, seconds in progress.timings:
        print(f"  {seconds:6.1f} s  {title}")
    print(f"  {total:6.1f} s  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
