"""Search strategies and early stopping on the insurance MLP (smaller budget to fit time).

1. Bayesian (TPE) vs Random at the same budget over several seeds: median best
   ``validation:mse`` (lower is better).
2. Early stopping ``Auto`` (median pruning) and ``Hyperband`` vs ``Off``: wall time and
   best objective of the same search.

    PYTHONPATH=src python bench/bench_tuning_strategies.py [--seeds 5] [--jobs 12] [--epochs 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def tune(name: str, jobs: int, epochs: int, seed: int, **kwargs: Any) -> tuple[float, float]:
    """Run one tuning job; return (best validation:mse, wall seconds)."""
    from bench_tuning_insurance import insurance_tuner

    from sabio.session import Session

    tuner, uri = insurance_tuner(
        Session(),
        epochs=epochs,
        jobs=jobs,
        parallel=2,
        seed=seed,
        hyperparameters={"early_stopping_patience": 0},
        **kwargs,
    )
    started = time.perf_counter()
    tuner.fit({"train": uri}, job_name=name)
    wall = time.perf_counter() - started
    best = tuner.describe()["BestTrainingJob"]
    return best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"], wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=12)
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args()
    if not (DATASETS / "insurance.csv").exists():
        print("skipped: insurance.csv is absent")
        return 0
    with tempfile.TemporaryDirectory(prefix="sabio-bench-strategies-") as tmp:
        os.environ["SABIO_HOME"] = tmp
        best: dict[str, list[float]] = {"Bayesian": [], "Random": []}
        for seed in range(args.seeds):
            for strategy in best:
                value, _ = tune(f"{strategy[:3].lower()}-{seed}", args.jobs, args.epochs, seed,
                                strategy=strategy)  # fmt: skip
                best[strategy].append(value)
        print(f"{'strategy':<12} {'median best validation:mse':>28}  (over {args.seeds} seeds, "
              f"{args.jobs} jobs)")  # fmt: skip
        for strategy, values in best.items():
            print(f"{strategy:<12} {statistics.median(values):>28.4g}")
        runs = {
            "Off": {"strategy": "Bayesian"},
            "Auto": {"strategy": "Bayesian", "early_stopping_type": "Auto"},
            "Hyperband": {
                "strategy": "Hyperband",
                "strategy_config": {"HyperbandStrategyConfig": {"MinResource": 5,
                                                                "MaxResource": args.epochs}},
            },
        }  # fmt: skip
        print(f"\n{'early stopping':<12} {'wall (s)':>10} {'best validation:mse':>22}")
        off_wall = None
        for label, kwargs in runs.items():
            value, wall = tune(f"es-{label.lower()}", 2 * args.jobs, args.epochs, 0, **kwargs)
            off_wall = off_wall or wall
            saved = "" if label == "Off" else f"  ({1 - wall / off_wall:.0%} wall time saved)"
            print(f"{label:<12} {wall:>10.1f} {value:>22.4g}{saved}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
