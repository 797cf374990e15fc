"""Warm start of built-in programs: job start → first program line, and total ``fit()`` time.

For a tiny random forest, linear learner and MLP job, alternately runs the same job

* **warm**: the supervisor forks a process that has already imported the built-in's modules
  (the default once a process has submitted a couple of jobs), and
* **cold**: a fresh ``python -m sabio.algorithms.<name>`` process, the path every job took
  before warm start. It is forced by giving the job ``PYTHONHASHSEED=0``, a variable a
  forked process cannot honour, so everything else (the warm supervisor) stays the same.

"first line" is the time from calling ``fit()`` to the first line the program prints;
"fit" is the whole ``fit()`` call. Prints medians over ``--runs`` runs of each.

    python bench/bench_builtin_start.py --runs 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

MARKER = "Training image download completed. Training in progress."


def _data(folder: Path) -> Path:
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4))
    y = (x @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.normal(0, 0.1, 200) > 0).astype(int)
    path = folder / "train.csv"
    path.write_text("\n".join(",".join([str(v), *map(str, r)]) for v, r in zip(y, x, strict=True)))
    return path


def _first_line_at(log: Path, stop: threading.Event, found: list[float]) -> None:
    """Poll the job log until a program line follows the 'Training' status line."""
    while not stop.is_set():
        try:
            lines = log.read_text().splitlines()
        except OSError:
            lines = []
        if MARKER in "\n".join(lines):
            after = lines[next(i for i, line in enumerate(lines) if MARKER in line) + 1 :]
            if any(not line.startswith("sabio:") for line in after):
                found.append(time.perf_counter())
                return
        time.sleep(0.005)


def _run(estimator: Any, uri: str, jobs_dir: Path, name: str) -> tuple[float, float, bool]:
    found: list[float] = []
    stop = threading.Event()
    watcher = threading.Thread(
        target=_first_line_at, args=(jobs_dir / name / "logs.txt", stop, found)
    )
    start = time.perf_counter()
    watcher.start()
    try:
        estimator.fit({"train": uri}, logs=False, job_name=name)
    finally:
        stop.set()
        watcher.join()
    total = time.perf_counter() - start
    log = (jobs_dir / name / "logs.txt").read_text()
    first = (found[0] - start) if found else float("nan")
    return first, total, "pre-imported process" in log


def _wait_standby_ready(timeout: float = 300.0) -> None:
    from sabio.supervision.backends.local import LocalBackend

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        standby = LocalBackend._standby
        if standby is not None and standby[1].is_ready():
            return
        time.sleep(0.1)
    raise SystemExit("the standby did not get ready in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sabio-bench-") as tmp:
        os.environ["SABIO_HOME"] = str(Path(tmp) / "home")
        from sabio.algorithms import MLP, LinearLearner, RandomForest
        from sabio.session import Session

        session = Session()
        uri = session.upload_data(str(_data(Path(tmp))), key_prefix="bench/train")
        jobs_dir = session.settings.jobs_dir
        cases = {
            "random_forest": lambda env: RandomForest(
                sagemaker_session=session, environment=env, n_estimators=20
            ),
            "linear_learner": lambda env: LinearLearner(sagemaker_session=session, environment=env),
            "mlp": lambda env: MLP(
                sagemaker_session=session, environment=env, epochs=5, hidden_layers="16"
            ),
        }
        results: dict[str, dict[str, list[float]]] = {}
        for algo, make in cases.items():
            warm_est, cold_est = make({}), make({"PYTHONHASHSEED": "0"})
            # Two jobs make the backend start a standby warming this built-in.
            for i in range(2):
                _run(warm_est, uri, jobs_dir, f"{algo.replace('_', '-')}-prime-{i}")
            _wait_standby_ready()
            res = results[algo] = {k: [] for k in ("wf", "wt", "cf", "ct", "warm_used")}
            for i in range(args.runs):
                first, total, used = _run(warm_est, uri, jobs_dir, f"{algo[:6]}-w{i}")
                res["wf"].append(first)
                res["wt"].append(total)
                res["warm_used"].append(float(used))
                first, total, _ = _run(cold_est, uri, jobs_dir, f"{algo[:6]}-c{i}")
                res["cf"].append(first)
                res["ct"].append(total)
    med = statistics.median
    print(f"built-in job start, medians over {args.runs} runs (seconds)")
    header = (
        f"{'':16}{'first line warm':>16}{'cold':>8}{'fit() warm':>12}{'cold':>8}{'speed-up':>10}"
    )
    print(header)
    for algo, res in results.items():
        speedup = med(res["ct"]) / med(res["wt"])
        print(
            f"{algo:16}{med(res['wf']):>16.2f}{med(res['cf']):>8.2f}"
            f"{med(res['wt']):>12.2f}{med(res['ct']):>8.2f}{speedup:>9.1f}x"
            + ("" if all(res["warm_used"]) else "  (warm start not used every time!)")
        )


if __name__ == "__main__":
    main()
