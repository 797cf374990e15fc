"""Warm pools across kinds: ``fit(); deploy(); fit()`` in one process, as a notebook does.

A built-in XGBoost estimator with ``keep_alive_period_in_seconds=60`` fits, its model is
deployed and predicts once, then it fits again. Before the job kernel, the deploy dismissed
the training warm pool (one standby slot for every kind), so the second fit imported
XGBoost again; now each kind has its own pool. Prints each step's wall time and the second
fit's time to its first program line ("script start"), for ``--runs`` fresh workspaces.

    python bench/bench_warm_pools.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

MARKER = "Training image download completed. Training in progress."


def _data(folder: Path) -> Path:
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4))
    y = (x @ np.array([1.0, -2.0, 0.5, 0.0]) > 0).astype(int)
    path = folder / "train.csv"
    path.write_text("\n".join(",".join([str(v), *map(str, r)]) for v, r in zip(y, x, strict=True)))
    return path


def run_once(work: Path) -> dict[str, float]:
    import sabio
    from sabio.serializers import CSVSerializer

    session = sabio.Session()
    uri = session.upload_data(str(_data(work)), key_prefix="warm/train")
    estimator = sabio.estimator.Estimator(
        image_uri=sabio.image_uris.retrieve("xgboost"),
        hyperparameters={"num_round": 5, "objective": "binary:logistic"},
        keep_alive_period_in_seconds=60,
        sagemaker_session=session,
    )
    times: dict[str, float] = {}
    start = time.perf_counter()
    estimator.fit({"train": uri}, job_name="fit-1", logs=False)
    times["fit 1"] = time.perf_counter() - start
    time.sleep(3.0)  # the warm pool finishes importing meanwhile (a notebook's next cell)
    start = time.perf_counter()
    predictor = estimator.deploy(1, "local", endpoint_name="between", serializer=CSVSerializer())
    predictor.predict([[0.1, 0.2, 0.3, 0.4]])
    times["deploy -> first prediction"] = time.perf_counter() - start
    predictor.delete_endpoint()
    lines: list[str] = []
    start = time.perf_counter()
    first_line: list[float] = []

    def write(line: str) -> None:
        if not first_line and MARKER in line:
            first_line.append(time.perf_counter() - start)
        lines.append(line)

    estimator.fit({"train": uri}, job_name="fit-2", wait=False)
    from sabio.training import follow

    follow(session.settings, "fit-2", write)
    times["fit 2"] = time.perf_counter() - start
    times["fit 2: training starts"] = first_line[0] if first_line else float("nan")
    times["fit 2 warm"] = float(any("pre-imported" in line for line in lines))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: list[dict[str, float]] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="sabio-bench-warm-") as tmp:
            os.environ["SABIO_HOME"] = str(Path(tmp) / "home")
            results.append(run_once(Path(tmp)))
    print("| step | median (s) | runs |")
    print("|---|---|---|")
    for key in results[0]:
        values = [r[key] for r in results]
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"| {key} | {statistics.median(values):.2f} | {shown} |")


if __name__ == "__main__":
    main()
