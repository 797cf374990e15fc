"""Per-trial overhead of a tuning job: tiny MLP trials, one at a time.

The insurance search of ``bench_tuning_insurance.py`` with 2 epochs per trial and
``max_parallel_jobs=1``, so no trial's computation overlaps the gap between two trials and
the gap is what sabio spends per trial: recording the finished job, telling and asking
Optuna, creating the next job, starting its supervisor and its program. Prints medians
over the trials of each phase, from the catalog's status history and the ``done`` markers:

- trial gap: one trial's ``Uploading`` (its program ended) → the next one's ``Training``
  (its program starting), the slot's idle time per trial;
- created → Training, Uploading → done, done → next created (its parts).

    PYTHONPATH=src python bench/bench_tuning_overhead.py [--jobs 12]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sabio.training._kind import TRAINING

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def run(jobs: int, home: Path) -> dict[str, float]:
    """Run the tuning job in a fresh workspace; return the phases in seconds."""
    os.environ["SABIO_HOME"] = str(home)
    from bench_tuning_insurance import insurance_tuner

    from sabio.session import Session

    session = Session()
    tuner, uri = insurance_tuner(session, epochs=2, jobs=jobs, parallel=1, seed=0)
    began = time.time()
    tuner.fit({"train": uri}, job_name="overhead")
    ended = time.time()
    rows = []
    for job in tuner.analytics().dataframe().TrainingJobName:
        record = session.catalog.jobs(TRAINING).get(job)
        events = {
            e.secondary_status: e.timestamp for e in session.catalog.jobs(TRAINING).history(job)
        }
        done = float((session.settings.jobs_dir / job / "done").read_text())
        rows.append((record.created_at, events["Training"], events["Uploading"], done))
    rows.sort()
    pairs = list(itertools.pairwise(rows))
    median = statistics.median
    return {
        "wall time (s)": ended - began,
        "fit() → first script starts (s)": rows[0][1] - began,
        "median trial script (s)": median(r[2] - r[1] for r in rows),
        "median trial gap: Uploading → next Training (ms)": 1000
        * median(b[1] - a[2] for a, b in pairs),
        "median created → Training (ms)": 1000 * median(r[1] - r[0] for r in rows),
        "median Uploading → done (ms)": 1000 * median(r[3] - r[2] for r in rows),
        "median done → next created (ms)": 1000 * median(b[0] - a[3] for a, b in pairs),
        "last Uploading → fit() returns (ms)": 1000 * (ended - rows[-1][2]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=12)
    args = parser.parse_args()
    if not (DATASETS / "insurance.csv").exists():
        print(f"skipped: {DATASETS / 'insurance.csv'} is absent")
        return 0
    with tempfile.TemporaryDirectory(prefix="sabio-bench-overhead-") as tmp:
        result = run(args.jobs, Path(tmp) / "home")
    print(f"{'metric':<52} value")
    for name, value in result.items():
        print(f"{name:<52} {value:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
