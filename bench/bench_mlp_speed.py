"""Training speed of the built-in MLP versus a Keras 3 ``Sequential`` of the same architecture.

Protocol: insurance data (all 1338 rows, one-hot + standardised features), one hidden layer
of 64 ReLU units, Adam (lr 1e-3), MSE loss, batch size 32, 100 epochs, 20% validation split,
no early stopping, no dropout. Times are medians of ``--repeats`` runs in this process:

* ``fit``: the training loop only (sabio's ``train`` function / Keras ``model.fit``);
* ``job``: the whole built-in program in this process (read channel, preprocessing,
  training, model files, evaluation report);
* ``job (new process)``: ``python -m sabio.algorithms.mlp`` wall time, imports included.

Keras is not a sabio dependency: when ``import keras`` fails the Keras column is skipped with
a note (``pip install keras``; the torch backend is selected unless ``KERAS_BACKEND`` is
set). Run: ``PYTHONPATH=src python bench/bench_mlp_speed.py [--repeats 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
EPOCHS, BATCH, UNITS = 100, 32, 64
HPS = {
    "target": "charges",
    "hidden_layers": str(UNITS),
    "activation": "relu",
    "optimizer": "adam",
    "learning_rate": 0.001,
    "loss": "mse",
    "dropout": 0.0,
    "batch_size": BATCH,
    "epochs": EPOCHS,
    "validation_split": 0.2,
    "early_stopping_patience": 0,
    "seed": 0,
}


def _job_env(root: Path, frame: pd.DataFrame) -> dict[str, str]:
    folder = root / "input" / "data" / "train"
    folder.mkdir(parents=True)
    frame.to_csv(folder / "train.csv", index=False)
    return {
        "SM_MODEL_DIR": str(root / "model"),
        "SM_OUTPUT_DATA_DIR": str(root / "output" / "data"),
        "SM_OUTPUT_DIR": str(root / "output"),
        "SM_CHANNELS": '["train"]',
        "SM_CHANNEL_TRAIN": str(folder),
        "SM_HPS": json.dumps(HPS),
        "SM_NUM_CPUS": str(os.cpu_count() or 1),
    }


def sabio_fit(frame: pd.DataFrame, root: Path) -> tuple[float, np.ndarray, np.ndarray]:
    """Seconds of sabio's MLP training loop; also returns the encoded features and target."""
    from sabio.algorithms._env import JobEnv
    from sabio.algorithms._hparams import COMMON_PARAMS, parse_hyperparameters
    from sabio.algorithms._prepare import prepare_data
    from sabio.algorithms._program import TrainContext
    from sabio.algorithms.mlp._params import PARAMS
    from sabio.algorithms.mlp._train import train

    env = JobEnv.from_environ(_job_env(root, frame), [])
    hps = parse_hyperparameters(env.hyperparameters, PARAMS + COMMON_PARAMS, "mlp")
    with contextlib.redirect_stderr(io.StringIO()):
        data = prepare_data(
            env, hps, resolver=lambda h: None, impute=True, scale=True, validation_split=0.2
        )
    os.environ["SABIO_METRICS_FILE"] = str(root / "metrics.jsonl")
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        train(TrainContext(env, hps, data, None))
    seconds = time.perf_counter() - started
    x = np.vstack([data.train.x, *([data.validation.x] if data.validation else [])])
    y = np.concatenate([data.train.y, *([data.validation.y] if data.validation else [])])
    return seconds, x, y


def sabio_job(frame: pd.DataFrame, root: Path) -> float:
    """Seconds of the whole built-in program, in this process."""
    from sabio.algorithms._program import main
    from sabio.algorithms.mlp._algorithm import ALGORITHM

    env = _job_env(root, frame)
    os.environ["SABIO_METRICS_FILE"] = str(root / "metrics.jsonl")
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = main(ALGORITHM, env)
    if status != 0:
        raise RuntimeError("the MLP job failed")
    return time.perf_counter() - started


def sabio_subprocess(frame: pd.DataFrame, root: Path) -> float:
    """Wall seconds of ``python -m sabio.algorithms.mlp`` in a new process."""
    env = dict(os.environ) | _job_env(root, frame)
    env["SABIO_METRICS_FILE"] = str(root / "metrics.jsonl")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sabio.algorithms.mlp"], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


def keras_fit(x: np.ndarray, y: np.ndarray) -> float | None:
    """Seconds of the same network in Keras 3 (``None`` when Keras is missing)."""
    # Keras 3 on the torch backend: the same framework the built-in uses.
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras
    except ImportError:
        return None
    model = keras.Sequential(
        [
            keras.Input(shape=(x.shape[1],)),
            keras.layers.Dense(UNITS, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    target = (y - y.mean()) / y.std()
    started = time.perf_counter()
    model.fit(x, target, epochs=EPOCHS, batch_size=BATCH, validation_split=0.2, verbose=0)
    return time.perf_counter() - started


def main() -> int:
    """Measure and print the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    path = DATASETS / "insurance.csv"
    if not path.is_file():
        print(f"{path} not found; nothing to measure.")
        return 0
    frame = pd.read_csv(path)
    fits: list[float] = []
    jobs: list[float] = []
    fresh: list[float] = []
    keras_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeats):
            seconds, x, y = sabio_fit(frame, Path(tmp) / f"fit{run}")
            fits.append(seconds)
            jobs.append(sabio_job(frame, Path(tmp) / f"job{run}"))
            fresh.append(sabio_subprocess(frame, Path(tmp) / f"sub{run}"))
            keras_time = keras_fit(x, y.astype(np.float64))
            if keras_time is not None:
                keras_times.append(keras_time)
    rows: list[tuple[str, str, str, str]] = [
        ("measure", "sabio MLP", "Keras 3", "speed-up"),
        ("fit (100 epochs, batch 32)", f"{statistics.median(fits):.2f} s", "", ""),
        ("job, in process", f"{statistics.median(jobs):.2f} s", "", ""),
        ("job, new process", f"{statistics.median(fresh):.2f} s", "", ""),
    ]
    if keras_times:
        keras_median = statistics.median(keras_times)
        backend = os.environ.get("KERAS_BACKEND", "default backend")
        speedup = f"{keras_median / statistics.median(fits):.1f}x"
        rows[1] = (rows[1][0], rows[1][1], f"{keras_median:.2f} s ({backend})", speedup)
        # The whole program (CSV, preprocessing, training, model files, report) against
        # Keras's fit alone on ready arrays: end-to-end, and in Keras's favour.
        job_speedup = f"{keras_median / statistics.median(jobs):.1f}x"
        rows[2] = (rows[2][0], rows[2][1], "(fit above)", job_speedup)
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for index, row in enumerate(rows):
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print(" | ".join("-" * width for width in widths))
    if not keras_times:
        print(
            "\nNote: Keras is not installed in this environment, so its column is empty. "
            "Install keras (3.x) with a backend (e.g. torch) to compare; the issue's reference "
            "is ~10 s for this Keras fit."
        )
    print(f"\nmedian of {args.repeats} runs; {os.cpu_count()} CPUs; data {len(frame)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
