"""Batch transform throughput: sabio's transform job versus the model's predict in one process.

Trains the XGBoost built-in on the fraud sample (``../shared/datasets/creditcard_sample.csv.gz``;
scikit-learn's breast cancer data when it is absent), writes a CSV of ``--rows`` feature rows
(the sample resampled with noise), then times, on the same file and the same machine:

* **in-process**: one Python process reads the CSV with pandas and calls the booster's
  ``predict`` on all of it (XGBoost uses every core), the fastest way to score a file;
* **handlers**: one process calling the built-in's inference handlers on 6 MB blocks (what
  one transform worker does, without sabio around it);
* **sabio transform**: ``Transformer.transform`` (supervisor, ``--workers`` worker
  processes, streaming, one ``.out`` file), from the call to the job's end.

Rows/s are medians over ``--runs``; peak memory is the peak RSS (psutil; the transform's is
the supervisor plus its workers, sampled every 50 ms).

    python bench/bench_transform.py --rows 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"


def _source() -> tuple[Any, str]:
    import numpy as np
    import pandas as pd

    path = DATASETS / "creditcard_sample.csv.gz"
    if path.is_file():
        frame = pd.read_csv(path)
        label = frame.pop("Class").astype(int)
        return pd.concat([label, frame], axis=1), "fraud (creditcard sample)"
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer(as_frame=True)
    features = data.frame.drop(columns="target")
    label = pd.Series(np.asarray(data.target), name="label")
    return pd.concat([label, features], axis=1), "breast cancer"


def _write_rows(frame: Any, rows: int, path: Path) -> int:
    import numpy as np

    rng = np.random.default_rng(0)
    features = frame.iloc[:, 1:].to_numpy(dtype=float)
    scale = features.std(axis=0) * 0.05
    written = 0
    with path.open("w") as fh:
        while written < rows:
            take = min(50_000, rows - written)
            block = features[rng.integers(0, len(features), take)]
            block = block + rng.normal(size=block.shape) * scale
            np.savetxt(fh, block, delimiter=",", fmt="%.6g")
            written += take
    return path.stat().st_size


_BASELINE = """
import resource, sys, time
import pandas as pd, xgboost as xgb
from pathlib import Path
model_dir, data = sys.argv[1], sys.argv[2]
booster = xgb.Booster()
booster.load_model(bytearray((Path(model_dir) / "xgboost-model").read_bytes()))
start = time.perf_counter()
frame = pd.read_csv(data, header=None, dtype="float32")
scores = booster.predict(xgb.DMatrix(frame.to_numpy(), feature_names=booster.feature_names))
elapsed = time.perf_counter() - start
print(elapsed, len(scores), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""

_HANDLERS = """
import resource, sys, time
from pathlib import Path
from sabio.inference import load_handlers
model_dir, data = sys.argv[1], sys.argv[2]
handlers = load_handlers(Path(model_dir), builtin_module="sabio.algorithms.xgboost")
model = handlers.load_model()
start = time.perf_counter()
lines = 0
with open(data, "rb") as fh:
    leftover = b""
    while True:
        chunk = fh.read(6 * 2**20 - len(leftover))
        buffer = leftover + chunk
        if not chunk:
            if buffer.strip():
                out, _, _ = handlers.invoke(model, buffer, "text/csv", "text/csv")
                lines += out.count(b"\\n") + 1
            break
        cut = buffer.rfind(b"\\n")
        body, leftover = buffer[: cut + 1], buffer[cut + 1 :]
        out, _, _ = handlers.invoke(model, body, "text/csv", "text/csv")
        lines += out.count(b"\\n") + 1
elapsed = time.perf_counter() - start
print(elapsed, lines, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def _child(code: str, model_dir: Path, data: Path) -> tuple[float, int, int]:
    result = subprocess.run(
        [sys.executable, "-c", code, str(model_dir), str(data)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"baseline failed:\n{result.stderr[-2000:]}")
    seconds, rows, peak = result.stdout.split()
    return float(seconds), int(rows), int(peak)


class _PeakRss:
    """Samples the RSS of a process tree (supervisor + workers) in a thread."""

    def __init__(self) -> None:
        self.peak = 0
        self.pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.05):
            total = 0
            for pid in list(self.pids):
                try:
                    root = psutil.Process(pid)
                    for proc in [root, *root.children(recursive=True)]:
                        total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--show-log", action="store_true", help="print the last job's log")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sabio-bench-transform-") as tmp:
        home = Path(tmp) / "home"
        os.environ["SABIO_HOME"] = str(home)
        import sabio
        from sabio.catalog import Catalog
        from sabio.estimator import Estimator
        from sabio.inference import MODEL, ModelSpec
        from sabio.transform import describe
        from sabio.transformer import Transformer

        frame, name = _source()
        train = Path(tmp) / "train.csv"
        frame.to_csv(train, header=False, index=False)
        session = sabio.Session()
        estimator = Estimator(
            image_uri=sabio.image_uris.retrieve("xgboost"),
            hyperparameters={"num_round": 100, "max_depth": 6, "objective": "binary:logistic"},
            sagemaker_session=session,
        )
        estimator.fit(
            {"train": session.upload_data(str(train), key_prefix="bench/train")}, logs=False
        )
        model_data = estimator.model_data
        spec = ModelSpec(
            model_name="bench-xgb",
            image="sabio/xgboost",
            model_data_url=model_data,
            builtin_module="sabio.algorithms.xgboost",
        )
        Catalog.open(session.settings).jobs(MODEL).create(
            "bench-xgb", spec.model_dump(mode="json"), status="Created"
        )
        model_dir = Path(tmp) / "model"
        model_dir.mkdir()
        subprocess.run(
            ["tar", "-xzf", str(session.store.local_path(str(model_data))), "-C", str(model_dir)],
            check=True,
        )
        data = Path(tmp) / "score" / "rows.csv"
        data.parent.mkdir()
        size = _write_rows(frame, args.rows, data)
        data_uri = session.upload_data(str(data.parent), key_prefix="bench/score")
        print(
            f"data: {args.rows:,} rows x {frame.shape[1] - 1} features of {name}, "
            f"{size / 2**20:.0f} MB CSV; model: XGBoost built-in, 100 trees of depth 6; "
            f"{os.cpu_count()} CPUs"
        )

        results: dict[str, list[tuple[float, int]]] = {
            "in-process": [],
            "handlers": [],
            "sabio": [],
        }
        for run in range(args.runs):
            seconds, rows, peak = _child(_BASELINE, model_dir, data)
            assert rows == args.rows, rows
            results["in-process"].append((args.rows / seconds, peak))
            seconds, rows, peak = _child(_HANDLERS, model_dir, data)
            results["handlers"].append((args.rows / seconds, peak))
            transformer = Transformer(
                "bench-xgb",
                instance_count=1,
                instance_type="local",
                strategy="MultiRecord",
                accept="text/csv",
                max_concurrent_transforms=args.workers,
                sagemaker_session=session,
            )
            job = f"bench-{run}"
            sampler = _PeakRss()
            start = time.perf_counter()
            transformer.transform(
                data_uri, content_type="text/csv", split_type="Line", job_name=job, wait=False
            )
            record = describe(session.settings, job)
            if record.supervisor_pid:
                sampler.pids.add(record.supervisor_pid)
            transformer.wait(logs=False)
            seconds = time.perf_counter() - start
            peak = sampler.stop()
            out = session.store.local_path(f"{transformer.output_path}/rows.csv.out")
            assert out is not None
            with out.open("rb") as fh:
                lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(2**20), b""))
            assert lines == args.rows, lines
            results["sabio"].append((args.rows / seconds, peak))
        if args.show_log:
            from sabio.transform import job_dir

            print((job_dir(session.settings, job) / "logs.txt").read_text())

    base = statistics.median(r for r, _ in results["in-process"])
    print(f"{'method':<44}{'rows/s':>12}{'vs in-process':>15}{'peak RSS MB':>13}")
    labels = {
        "in-process": "in-process pandas.read_csv + Booster.predict",
        "handlers": "in-process built-in handlers, 6 MB blocks",
        "sabio": f"sabio transform, {args.workers} worker(s)",
    }
    for key, label in labels.items():
        rate = statistics.median(r for r, _ in results[key])
        peak = max(p for _, p in results[key])
        print(f"{label:<44}{rate:>12,.0f}{rate / base:>14.0%}{peak / 2**20:>13,.0f}")


if __name__ == "__main__":
    main()
