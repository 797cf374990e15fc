"""Evaluate the tuned model on the held-out test set (a SageMaker processing script).

Loads the model with the MLP built-in's own inference handlers (as its endpoint would),
predicts the raw test rows and writes R², RMSE and MAE where the pipeline's ``PropertyFile``
reads them: ``/opt/ml/processing/evaluation/evaluation.json``.
"""

import argparse
import json
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from sabio.algorithms.mlp import inference

parser = argparse.ArgumentParser()
# SageMaker's paths; sabio passes each job's real folders for them (see docs/processing.md).
for name in ("model", "test", "evaluation"):
    parser.add_argument(f"--{name}", type=Path, default=Path(f"/opt/ml/processing/{name}"))
args = parser.parse_args()
test = pd.read_csv(next(args.test.glob("*.csv")))
with tempfile.TemporaryDirectory() as model_dir:
    with tarfile.open(next(args.model.glob("*.tar.gz"))) as tar:
        tar.extractall(model_dir, filter="data")
    model = inference.model_fn(model_dir)
    rows = test.drop(columns="charges")
    body = rows.to_json(orient="records")
    answer, _ = inference.output_fn(
        inference.predict_fn(inference.input_fn(body, "application/json"), model),
        "application/json",
    )
predicted = np.asarray(
    [p["score"] if isinstance(p, dict) else p for p in json.loads(answer)["predictions"]],
    dtype=float,
).ravel()
actual = test["charges"].to_numpy(dtype=float)
metrics = {
    "r2": {"value": float(r2_score(actual, predicted))},
    "rmse": {"value": float(np.sqrt(mean_squared_error(actual, predicted)))},
    "mae": {"value": float(mean_absolute_error(actual, predicted))},
}
args.evaluation.mkdir(parents=True, exist_ok=True)
(args.evaluation / "evaluation.json").write_text(json.dumps({"regression_metrics": metrics}))
print(json.dumps(metrics))
