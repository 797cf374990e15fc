"""The framework XGBoost estimator collects SageMaker's predefined ``train:``/``validation:``
metrics from what ``xgboost.train`` prints, with no ``metric_definitions``: a tuner can
optimise ``validation:rmse`` of a script as on SageMaker."""

from __future__ import annotations

from sabio.session import Session
from sabio.xgboost import XGBoost
from sabio.xgboost.estimator import PREDEFINED_METRICS

from .conftest import WriteFile

# A script-mode training script in the style of SageMaker's XGBoost examples.
SCRIPT = """
import argparse, os
import numpy as np
import xgboost as xgb

parser = argparse.ArgumentParser()
parser.add_argument("--num_round", type=int, default=3)
args, _ = parser.parse_known_args()
rng = np.random.default_rng(0)
x = rng.normal(size=(60, 2))
y = x[:, 0] * 2.0
dtrain = xgb.DMatrix(x[:40], label=y[:40])
dval = xgb.DMatrix(x[40:], label=y[40:])
booster = xgb.train({"eval_metric": ["rmse", "mae"], "nthread": 1}, dtrain, args.num_round,
                    evals=[(dtrain, "train"), (dval, "validation")])
booster.save_model(os.path.join(os.environ["SM_MODEL_DIR"], "xgboost-model.json"))
"""


def test_predefined_metrics_cover_every_eval_metric() -> None:
    names = {d["Name"] for d in PREDEFINED_METRICS}
    for metric in ("rmse", "mae", "auc", "aucpr", "logloss", "error", "mlogloss", "f1"):
        assert {f"train:{metric}", f"validation:{metric}"} <= names
    mine = {"Name": "validation:rmse", "Regex": "my-rmse=([0-9.]+)"}
    estimator = XGBoost(
        entry_point="train.py", framework_version="1.7-1", metric_definitions=[mine]
    )
    assert [d for d in estimator.metric_definitions if d["Name"] == "validation:rmse"] == [mine]


def test_script_round_lines_become_final_metrics(session: Session, write_file: WriteFile) -> None:
    script = write_file("train.py", SCRIPT)
    estimator = XGBoost(
        entry_point=str(script),
        framework_version="1.7-1",
        hyperparameters={"num_round": 4},
        sagemaker_session=session,
    )
    estimator.fit(logs=False)
    final = {m["MetricName"]: m["Value"] for m in estimator.describe()["FinalMetricDataList"]}
    assert {"train:rmse", "validation:rmse", "train:mae", "validation:mae"} <= set(final)
    assert final["validation:rmse"] > 0
