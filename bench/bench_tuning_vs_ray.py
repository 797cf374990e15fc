"""sabio's tuning job next to Ray Tune + Optuna on the same 20-trial insurance MLP search.

Both run in this process's run, on this machine: the MLP built-in on ``insurance.csv``
(target ``charges``), ``learning_rate`` log-uniform(1e-4, 0.1), ``batch_size`` 32…128,
``num_neurons`` in (2 … 128), ``activation`` in (relu, tanh, sigmoid), 100 epochs, 20%
validation, minimize ``validation:mse``, 20 trials, 2 at a time, seed 0.

Ray Tune's trainable runs *the same training code*: it calls sabio's MLP built-in program
(``sabio.algorithms._program.main`` with the MLP declaration) in-process in Ray's worker,
with a job environment of its own per trial, and reports the final ``validation:mse`` the
program wrote. Ray's search is ``ray.tune.search.optuna.OptunaSearch`` (TPE, seed 0). Ray's
wall time includes ``ray.init`` (as sabio's includes starting its tuning supervisor).

Skips cleanly when the data set or Ray is absent (``pip install "ray[tune]"``).

    PYTHONPATH=src python bench/bench_tuning_vs_ray.py [--jobs 20] [--parallel 2]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
sys.path.insert(0, str(Path(__file__).resolve().parent))

NEURONS = [2, 4, 8, 16, 32, 64, 128]
ACTIVATIONS = ["relu", "tanh", "sigmoid"]


def mlp_trial(config: dict[str, Any]) -> dict[str, float]:
    """Ray Tune trainable: one MLP built-in run in this worker; returns its validation MSE."""
    from sabio.algorithms._program import main
    from sabio.algorithms.mlp._algorithm import ALGORITHM

    base = Path(tempfile.mkdtemp(prefix="ray-mlp-"))
    channel = base / "input" / "data" / "train"
    channel.mkdir(parents=True)
    (channel / "insurance.csv").symlink_to(config["data"])
    metrics = base / "output" / "sabio-metrics.jsonl"
    metrics.parent.mkdir()
    hps = {
        "target": "charges",
        "epochs": 100,
        "validation_split": 0.2,
        "learning_rate": config["learning_rate"],
        "batch_size": config["batch_size"],
        "num_neurons": config["num_neurons"],
        "activation": config["activation"],
        "_tuning_objective_metric": "validation:mse",
    }
    env = {
        "SAGEMAKER_BASE_DIR": str(base),
        "SM_CHANNEL_TRAIN": str(channel),
        "SM_CHANNELS": '["train"]',
        "SM_HPS": json.dumps({k: str(v) for k, v in hps.items()}),
        "SM_NUM_CPUS": str(os.cpu_count() or 1),
    }
    os.environ["SABIO_METRICS_FILE"] = str(metrics)  # where sabio.runtime.log_metric writes
    try:
        code = main(ALGORITHM, env)
        if code != 0:
            failure = (base / "output" / "failure").read_text()
            raise RuntimeError(f"the MLP program failed ({code}): {failure}")
        value = None
        for line in metrics.read_text().splitlines():
            record = json.loads(line)
            if record["name"] == "validation:mse":
                value = float(record["value"])
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if value is None:
        raise RuntimeError("the MLP program reported no validation:mse")
    return {"validation_mse": value}


def run_ray(jobs: int, parallel: int, seed: int, storage: Path) -> dict[str, Any]:
    """The search with Ray Tune + OptunaSearch; wall time includes ``ray.init``."""
    import ray
    from ray import tune
    from ray.tune.search.optuna import OptunaSearch

    started = time.perf_counter()
    ray.init(num_cpus=parallel, include_dashboard=False, log_to_driver=False)
    try:
        space = {
            "data": str((DATASETS / "insurance.csv").resolve()),
            "learning_rate": tune.loguniform(1e-4, 0.1),
            "batch_size": tune.randint(32, 129),
            "num_neurons": tune.choice(NEURONS),
            "activation": tune.choice(ACTIVATIONS),
        }
        tuner = tune.Tuner(
            tune.with_resources(mlp_trial, {"cpu": 1}),
            param_space=space,
            tune_config=tune.TuneConfig(
                search_alg=OptunaSearch(metric="validation_mse", mode="min", seed=seed),
                num_samples=jobs,
                max_concurrent_trials=parallel,
            ),
            run_config=tune.RunConfig(storage_path=str(storage), verbose=0),
        )
        results = tuner.fit()
        wall = time.perf_counter() - started
        best = results.get_best_result(metric="validation_mse", mode="min")
        return {
            "wall": wall,
            "best_value": float(best.metrics["validation_mse"]),
            "completed": sum(1 for r in results if r.error is None),
        }
    finally:
        ray.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not (DATASETS / "insurance.csv").exists():
        print(f"skipped: {DATASETS / 'insurance.csv'} is absent")
        return 0
    if importlib.util.find_spec("ray") is None:
        print('skipped: Ray is not installed (pip install "ray[tune]")')
        return 0
    from bench_tuning_insurance import run as run_sabio

    with tempfile.TemporaryDirectory(prefix="sabio-bench-vs-ray-") as tmp:
        sabio = run_sabio(args.jobs, args.parallel, args.seed, Path(tmp) / "home")
        ray_result = run_ray(args.jobs, args.parallel, args.seed, Path(tmp) / "ray")
    print(f"{'':<30} {'sabio':>12} {'Ray Tune':>12}")
    print(f"{'wall time (s)':<30} {sabio['wall']:>12.1f} {ray_result['wall']:>12.1f}")
    print(f"{'trials completed':<30} {sabio['completed']:>12} {ray_result['completed']:>12}")
    print(
        f"{'best validation:mse':<30} {sabio['best_value']:>12.4g} "
        f"{ray_result['best_value']:>12.4g}"
    )
    print(f"Ray Tune wall / sabio wall: {ray_result['wall'] / sabio['wall']:.2f}x (target >= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
