"""Job start-up overhead: ``Estimator.fit()`` of a trivial script vs plain ``python``.

Overhead = fit() wall time minus the script's own run time, where the script's own
time is the same script run with plain ``python`` in the same process, alternating
runs so both see the same machine load. Prints medians and p90 over ``--runs`` runs.

    python bench/job_overhead.py --runs 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = 'import os\nopen(os.path.join(os.environ["SM_MODEL_DIR"], "m.txt"), "w").write("ok")\n'


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sabio-bench-") as tmp:
        os.environ["SABIO_HOME"] = str(Path(tmp) / "home")
        script = Path(tmp) / "trivial.py"
        script.write_text(SCRIPT)
        from sabio.estimator import Estimator

        estimator = Estimator(entry_point=str(script), instance_type="local")
        estimator.fit(logs=False)  # first run creates the catalog; not counted
        fits: list[float] = []
        plain: list[float] = []
        env = {**os.environ, "SM_MODEL_DIR": tmp}
        for _ in range(args.runs):
            start = time.perf_counter()
            estimator.fit(logs=False)
            fits.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([sys.executable, str(script)], env=env, check=True)
            plain.append(time.perf_counter() - start)
    overhead = [f - p for f, p in zip(fits, plain, strict=True)]
    print(f"job overhead over {args.runs} runs (seconds)")
    print(f"{'':28}{'median':>10}{'p90':>10}")
    print(f"{'sabio Estimator.fit()':28}{statistics.median(fits):>10.3f}{_p90(fits):>10.3f}")
    print(f"{'plain python script.py':28}{statistics.median(plain):>10.3f}{_p90(plain):>10.3f}")
    print(
        f"{'overhead (fit - plain)':28}{statistics.median(overhead):>10.3f}{_p90(overhead):>10.3f}"
    )
    print("target: median overhead < 0.5 s (SageMaker: minutes; local mode with Docker: tens of s)")


if __name__ == "__main__":
    main()
