"""The insurance neural-network tuning job from the seed, end to end.

MLP built-in on ``insurance.csv`` (target ``charges``): ``learning_rate`` Continuous(1e-4,
0.1, Logarithmic), ``batch_size`` Integer(32, 128), ``num_neurons`` Categorical(2 … 128),
``activation`` Categorical(relu, tanh, sigmoid); 100 epochs, 20% validation split,
objective ``validation:mse`` Minimize, 20 jobs, 2 in parallel (Bayesian, seed 0).

Wall time is from calling ``fit()`` until it returns (the job Completed and noticed). A
trial's script time is its ``Training`` → ``Uploading`` interval. Prints two shares of
time outside the trials' scripts:

- slot time (the headline, strict): 1 - Σ script seconds / (wall × parallel), so a slot
  left idle while the other one trains counts as outside;
- wall time with no script running: 1 - |union of the script intervals| / wall, the
  literal "wall time outside trial scripts".

Also where the outside time lies (before the first script, between trials, after the
last), the best objective, and the 5-fold R² (shuffled, seed 0, same protocol as
``bench_builtins_quality.py``) of the best hyperparameters next to the untuned defaults.
Skips cleanly when the data set is absent.

With ``--keep-alive SECONDS`` the estimator gets ``keep_alive_period_in_seconds`` (the warm
pool) and the same process runs the search twice, one tuning job after the other in the
same workspace: a column for the first (cold: it pays the framework's import) and one for
the second, started within the keep-alive period, which reuses the first one's warm
supervisor. Both are always printed.

    PYTHONPATH=src python bench/bench_tuning_insurance.py [--jobs 20] [--parallel 2]
        [--keep-alive 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sabio.training._kind import TRAINING

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def script_seconds(catalog: Any, job: str) -> float:
    """Seconds a trial spent in its program (Training → Uploading)."""
    events = {e.secondary_status: e.timestamp for e in catalog.jobs(TRAINING).history(job)}
    if "Training" in events and "Uploading" in events:
        return float(events["Uploading"] - events["Training"])
    return 0.0


def script_intervals(catalog: Any, jobs: list[str]) -> list[tuple[float, float]]:
    """Each trial's (Training, Uploading) timestamps: when its program ran."""
    found = []
    for job in jobs:
        events = {e.secondary_status: e.timestamp for e in catalog.jobs(TRAINING).history(job)}
        if "Training" in events and "Uploading" in events:
            found.append((events["Training"], events["Uploading"]))
    return found


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of the intervals (seconds when at least one script ran)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


def timeline(session: Any, jobs: list[str], began: float, ended: float) -> dict[str, float]:
    """Where the outside time lies: before the first script, between trials, after the last."""
    records = [session.catalog.jobs(TRAINING).get(j) for j in jobs]
    intervals = script_intervals(session.catalog, jobs)
    done = [float((session.settings.jobs_dir / r.name / "done").read_text()) for r in records]
    created = sorted(r.created_at for r in records)
    # A replacement's launch latency: a trial ended (done marker) → the next job created.
    gaps = []
    for stamp in sorted(done)[: max(len(created) - 2, 0)]:
        later = [c for c in created if c >= stamp]
        if later:
            gaps.append(later[0] - stamp)
    return {
        "fit() → first trial created": created[0] - began,
        "fit() → first script starts": min(i[0] for i in intervals) - began,
        "last script ends → fit() returns": ended - max(i[1] for i in intervals),
        "trial done → replacement created (mean)": sum(gaps) / max(len(gaps), 1),
    }


def breakdown(session: Any, jobs: list[str]) -> dict[str, float]:
    """Mean seconds per trial in each phase outside its script, and how many started warm."""
    from sabio.training import job_dir

    phases: dict[str, list[float]] = {"start (created→Training)": [], "end (Uploading→done)": []}
    warm = 0
    for job in jobs:
        record = session.catalog.jobs(TRAINING).get(job)
        events = {
            e.secondary_status: e.timestamp for e in session.catalog.jobs(TRAINING).history(job)
        }
        folder = job_dir(session.settings, job)
        done = float((folder / "done").read_text())
        if "Training" in events and "Uploading" in events:
            phases["start (created→Training)"].append(events["Training"] - record.created_at)
            phases["end (Uploading→done)"].append(done - events["Uploading"])
        warm += "pre-imported process" in (folder / "logs.txt").read_text()
    result = {k: sum(v) / max(len(v), 1) for k, v in phases.items()}
    result["trials started warm"] = warm
    return result


def insurance_tuner(
    session: Any,
    *,
    epochs: int,
    jobs: int,
    parallel: int,
    seed: int,
    hyperparameters: dict[str, Any] | None = None,
    estimator_kwargs: dict[str, Any] | None = None,
    **tuner_kwargs: Any,
) -> tuple[Any, str]:
    """The seed's search (MLP built-in on insurance.csv over learning rate, batch size,
    neurons and activation, validation:mse minimised) and the train channel's URI; shared by
    the tuning benchmarks."""
    from sabio import image_uris
    from sabio.estimator import Estimator
    from sabio.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter
    from sabio.tuner import HyperparameterTuner

    uri = session.upload_data(DATASETS / "insurance.csv", key_prefix="insurance/train")
    estimator = Estimator(
        image_uri=image_uris.retrieve("mlp"),
        hyperparameters={
            "target": "charges",
            "epochs": epochs,
            "validation_split": 0.2,
            **(hyperparameters or {}),
        },
        sagemaker_session=session,
        **(estimator_kwargs or {}),
    )
    tuner = HyperparameterTuner(
        estimator,
        "validation:mse",
        {
            "learning_rate": ContinuousParameter(1e-4, 0.1, scaling_type="Logarithmic"),
            "batch_size": IntegerParameter(32, 128),
            "num_neurons": CategoricalParameter([2, 4, 8, 16, 32, 64, 128]),
            "activation": CategoricalParameter(["relu", "tanh", "sigmoid"]),
        },
        objective_type="Minimize",
        max_jobs=jobs,
        max_parallel_jobs=parallel,
        random_seed=seed,
        **tuner_kwargs,
    )
    return tuner, uri


def run(
    jobs: int, parallel: int, seed: int, home: Path, keep_alive: int | None = None
) -> list[dict[str, Any]]:
    """Run the tuning job in a fresh workspace (twice in a row with ``keep_alive``); return
    each run's numbers."""
    os.environ["SABIO_HOME"] = str(home)
    from sabio.session import Session

    session = Session()
    extra = {} if keep_alive is None else {"keep_alive_period_in_seconds": keep_alive}
    results = []
    for attempt in range(1 if keep_alive is None else 2):
        tuner, uri = insurance_tuner(
            session, epochs=100, jobs=jobs, parallel=parallel, seed=seed, estimator_kwargs=extra
        )
        name = f"insurance-nn-{seed}" + (f"-{attempt + 1}" if attempt else "")
        results.append(run_one(session, tuner, uri, name, parallel))
    return results


def run_one(session: Any, tuner: Any, uri: str, name: str, parallel: int) -> dict[str, Any]:
    """Run one tuning job in ``session``'s workspace; return its numbers."""
    began = time.time()
    started = time.perf_counter()
    tuner.fit({"train": uri}, job_name=name)
    wall = time.perf_counter() - started
    ended = time.time()
    frame = tuner.analytics().dataframe()
    names = list(frame.TrainingJobName)
    inside = sum(script_seconds(session.catalog, j) for j in names)
    covered = union_seconds(script_intervals(session.catalog, names))
    best = tuner.describe()["BestTrainingJob"]
    return {
        "wall": wall,
        "inside": inside,
        "outside_share": 1 - inside / (wall * parallel),
        "outside_union": 1 - covered / wall,
        "timeline": timeline(session, names, began, ended),
        "best_value": best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"],
        "best_hps": best["TunedHyperParameters"],
        "completed": int((frame.TrainingJobStatus == "Completed").sum()),
        "breakdown": breakdown(session, list(frame.TrainingJobName)),
    }


def five_fold_r2(hps: dict[str, Any], tmp: Path) -> float:
    """Mean 5-fold R² of the MLP with these hyperparameters (bench_builtins_quality)."""
    import numpy as np
    import pandas as pd
    from bench_builtins_quality import _folds, cross_validate

    frame = pd.read_csv(DATASETS / "insurance.csv")
    results = cross_validate(
        "mlp", frame, hps | {"target": "charges"}, _folds(len(frame), 5, 0), tmp
    )
    return float(np.mean([r["regression_metrics"]["r2"]["value"] for r in results]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-r2", action="store_true", help="skip the 5-fold R² comparison")
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=None,
        metavar="SECONDS",
        help="warm pool: run a second tuning job within this keep-alive period",
    )
    args = parser.parse_args()
    if not (DATASETS / "insurance.csv").exists():
        print(f"skipped: {DATASETS / 'insurance.csv'} is absent")
        return 0
    with tempfile.TemporaryDirectory(prefix="sabio-bench-tuning-") as tmp:
        results = run(args.jobs, args.parallel, args.seed, Path(tmp) / "home", args.keep_alive)
        result = results[0]
        tuned = {
            "learning_rate": float(result["best_hps"]["learning_rate"]),
            "batch_size": int(result["best_hps"]["batch_size"]),
            "num_neurons": int(result["best_hps"]["num_neurons"]),
            "activation": result["best_hps"]["activation"],
            "epochs": 100,
            "validation_split": 0.2,
        }
        if not args.no_r2:
            r2_tuned = five_fold_r2(tuned, Path(tmp) / "cv-tuned")
            r2_default = five_fold_r2({}, Path(tmp) / "cv-default")
    header = "value" if len(results) == 1 else "first job   second job (warm pool)"
    print(f"{'metric':<44} {header}")

    def row(name: str, values: list[str]) -> None:
        print(f"{name:<44} " + " ".join(f"{v:<11}" for v in values).rstrip())

    row("trials completed", [f"{r['completed']}/{args.jobs}" for r in results])
    row("wall time (s)", [f"{r['wall']:.1f}" for r in results])
    row("sum of trial script time (s)", [f"{r['inside']:.1f}" for r in results])
    row("share of slot time outside trial scripts", [f"{r['outside_share']:.1%}" for r in results])
    row(
        "share of wall time with no script running",
        [f"{r['outside_union']:.1%}" for r in results],
    )
    for phase in result["timeline"]:
        row(phase, [f"{r['timeline'][phase]:.3g}" for r in results])
    row("best validation:mse", [f"{r['best_value']:.4g}" for r in results])
    for r in results:
        print(f"{'best hyperparameters':<44} {r['best_hps']}")
    for phase in result["breakdown"]:
        row("per trial: " + phase, [f"{r['breakdown'][phase]:.3g}" for r in results])
    if not args.no_r2:
        print(f"{'5-fold R² tuned (100 epochs)':<44} {r2_tuned:.4f}")
        print(f"{'5-fold R² untuned defaults':<44} {r2_default:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
