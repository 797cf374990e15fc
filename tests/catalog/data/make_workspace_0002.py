"""Make ``catalog-0002.db``: a catalog written by sabio 0.2 (schema revision 0002).

Run it with the previous release's code, in a throw-away workspace, from a worktree of the
commit before the jobs table (``git worktree add /tmp/prev c9d559c``)::

    SABIO_HOME=$(mktemp -d) PYTHONPATH=/tmp/prev/src python make_workspace_0002.py OUT.db

It records a completed training job with metrics, a tuning job with its trials, a model, an
endpoint (its server then killed, as after a machine restart) and a transform job; the
migration test opens a copy with the current code and checks every row came over intact.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import numpy as np

import sabio
from sabio.tuner import HyperparameterTuner, IntegerParameter


def main(out: Path) -> None:
    home = Path(os.environ["SABIO_HOME"])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3))
    y = (x[:, 0] > 0).astype(int)
    rows = np.column_stack([y, x])
    data = home / "data.csv"
    np.savetxt(data, rows, delimiter=",", fmt="%.5f")
    session = sabio.Session()
    features = home / "features.csv"
    np.savetxt(features, x, delimiter=",", fmt="%.5f")
    train = session.upload_data(str(data), key_prefix="legacy/train")
    batch = session.upload_data(str(features), key_prefix="legacy/batch")
    estimator = sabio.estimator.Estimator(
        image_uri=sabio.image_uris.retrieve("xgboost", "us-east-1", "1.7-1"),
        role=sabio.get_execution_role(),
        instance_count=1,
        instance_type="local",
        hyperparameters={"objective": "binary:logistic", "num_round": 5},
        sagemaker_session=session,
    )
    estimator.fit({"train": train, "validation": train}, job_name="legacy-train", logs=False)
    tuner = HyperparameterTuner(
        estimator,
        "validation:logloss",
        {"max_depth": IntegerParameter(2, 4)},
        objective_type="Minimize",
        max_jobs=2,
        max_parallel_jobs=1,
    )
    tuner.fit({"train": train, "validation": train}, job_name="legacy-tune", wait=True)
    predictor = estimator.deploy(1, "local", endpoint_name="legacy-endpoint")
    transformer = estimator.transformer(1, "local", output_path="s3://legacy/out")
    transformer.transform(
        batch, content_type="text/csv", split_type="Line", job_name="legacy-transform"
    )
    transformer.wait(logs=False)
    # Left InService with its server gone, as after a machine restart.
    from sabio.catalog import Catalog

    pid = Catalog.open(session.settings).endpoints.get("legacy-endpoint").supervisor_pid
    os.killpg(pid, signal.SIGKILL)
    del predictor
    shutil.copyfile(home / "catalog.db", out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
