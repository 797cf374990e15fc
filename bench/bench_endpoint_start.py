"""Endpoint start: time from ``Model.deploy()`` to the first successful prediction.

Deploys the same small model several times (the first deploy of a process pays for a cold
supervisor; later ones reuse the warm standby, as a notebook does) and prints each time and
the median of the warm ones.

    python bench/bench_endpoint_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

INFERENCE = """
import numpy as np

def model_fn(model_dir):
    return np.asarray([1.0, 2.0, 3.0])

def predict_fn(data, model):
    return np.asarray(data) @ model
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sabio-bench-start-"))
    os.environ["SABIO_HOME"] = str(work / "home")
    (work / "model" / "code").mkdir(parents=True)
    (work / "model" / "code" / "inference.py").write_text(INFERENCE)

    from sabio.model import Model
    from sabio.serializers import CSVSerializer

    times = []
    for run in range(args.runs):
        start = time.perf_counter()
        predictor = Model(str(work / "model"), name=f"m{run}").deploy(
            endpoint_name=f"start-{run}", serializer=CSVSerializer()
        )
        predictor.predict([[1, 2, 3]])
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        print(f"run {run + 1}: deploy() -> first prediction {elapsed:.2f} s")
        predictor.delete_endpoint()
    warm = times[1:] or times
    print(
        f"median (runs 2..{args.runs}): {statistics.median(warm):.2f} s; first run {times[0]:.2f} s"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
