"""The insurance pipeline's wall time and the time it spends outside its steps' work.

Runs ``examples/insurance_pipeline/insurance_pipeline.py`` (preprocess → tune the MLP →
evaluate → condition on R² → register + create model → batch transform; started twice,
the second start served from the cache) in a fresh workspace, then reads both executions
from the catalog and prints, for each:

* **wall**: ``start()`` → ``wait()`` returned, on a monotonic clock (what a user waits for);
* **step work**: the longest dependency path through the executed steps, each weighted by
  its job's own time (the job record, submitted → ended; a cache hit does no work);
* **overhead**: wall − step work, the time the pipeline spends outside its jobs (starting
  its supervisor, resolving arguments, hashing inputs for the cache, submitting and
  following jobs, condition/model/registry steps), as a share of the wall time.

    python bench/bench_pipeline.py [--runs N] [--full]

``--full`` runs the example's full settings (12 trials of 100 epochs) instead of ``--fast``.
Needs the shared datasets (``../shared/datasets/insurance.csv``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "insurance_pipeline" / "insurance_pipeline.py"
JOB_STEPS = ("Training", "Tuning", "Processing", "Transform")


def _job_seconds(catalog: Any, step: dict[str, Any]) -> float:
    """The step's job time (submitted → ended); 0 for a cache hit or a step without a job."""
    from sabio.processing_jobs import PROCESSING
    from sabio.training import TRAINING
    from sabio.transform import TRANSFORM
    from sabio.tuning._kind import TUNING

    if step.get("CacheHitResult"):
        return 0.0
    kinds = {
        "TrainingJob": TRAINING,
        "TuningJob": TUNING,
        "ProcessingJob": PROCESSING,
        "TransformJob": TRANSFORM,
    }
    for key, kind in kinds.items():
        arn = (step.get("Metadata") or {}).get(key, {}).get("Arn")
        if arn:
            record = catalog.jobs(kind).get(arn.rsplit("/", 1)[-1])
            return float((record.ended_at or 0) - record.created_at)
    return 0.0


def _critical_path(upstream: dict[str, set[str]], work: dict[str, float]) -> float:
    """The longest path through the executed steps, each weighted by its work."""
    finish: dict[str, float] = {}

    def done(name: str) -> float:
        if name not in finish:
            before = [done(u) for u in upstream.get(name, ()) if u in work]
            finish[name] = work[name] + max(before, default=0.0)
        return finish[name]

    return max((done(n) for n in work), default=0.0)


def analyse(home: Path) -> list[dict[str, float]]:
    """Wall, step work and overhead of every execution in the workspace, oldest first."""
    os.environ["SABIO_HOME"] = str(home)
    from sabio._config import load_settings
    from sabio.catalog import Catalog
    from sabio.pipelines import PIPELINE_EXECUTION, dependencies, parse_definition

    catalog = Catalog.open(load_settings())
    rows = []
    for record in reversed(catalog.jobs(PIPELINE_EXECUTION).list(limit=None)):
        upstream = dependencies(parse_definition(record.spec["definition"]))
        steps = record.details["Steps"]
        work = {name: _job_seconds(catalog, state) for name, state in steps.items()}
        critical = _critical_path(upstream, work)
        wall = float((record.ended_at or 0) - record.created_at)
        hits = sum(1 for s in steps.values() if s.get("CacheHitResult"))
        rows.append(
            {"wall": wall, "work": critical, "overhead": wall - critical, "hits": float(hits)}
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="Runs of the example (medians).")
    parser.add_argument("--full", action="store_true", help="The example's full settings.")
    args = parser.parse_args()
    first: list[dict[str, float]] = []
    cached: list[dict[str, float]] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="sabio-bench-pipeline-") as tmp:
            home, out = Path(tmp) / "home", Path(tmp) / "out"
            env = {**os.environ, "SABIO_HOME": str(home)}
            command = [sys.executable, str(EXAMPLE), "--out", str(out)]
            if not args.full:
                command.append("--fast")
            done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            rows = analyse(home)
            # What the user waited, on a monotonic clock (the example prints it): the job
            # records' wall-clock stamps jump when the machine's clock is stepped.
            match = re.search(r"first run ([0-9.]+) s, cached run ([0-9.]+) s", done.stdout)
            if match:
                for row, waited in zip(rows, match.groups(), strict=False):
                    row["overhead"] += float(waited) - row["wall"]
                    row["wall"] = float(waited)
            first.append(rows[0])
            cached.append(rows[1])
    print(f"insurance pipeline ({'full' if args.full else 'fast'} settings), {args.runs} run(s)")
    print(
        f"{'run':<8}{'wall s':>9}{'step work s':>13}{'overhead s':>12}{'overhead':>10}{'hits':>6}"
    )
    for label, rows in (("first", first), ("cached", cached)):
        wall = statistics.median(r["wall"] for r in rows)
        work = statistics.median(r["work"] for r in rows)
        overhead = statistics.median(r["overhead"] for r in rows)
        hits = statistics.median(r["hits"] for r in rows)
        print(
            f"{label:<8}{wall:>9.1f}{work:>13.1f}{overhead:>12.1f}"
            f"{overhead / wall:>10.1%}{hits:>6.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
