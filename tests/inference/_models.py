"""Real models for the inference and serving tests: a tiny built-in XGBoost job and a
user model with an ``inference.py`` (no pickles)."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pandas as pd

try:
    from tests.algorithms._jobs import make_job, run_job
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from algorithms._jobs import make_job, run_job  # type: ignore[no-redef]

#: A user model: ``model_fn`` reads weights from a text file, ``predict_fn`` is a dot product.
USER_INFERENCE = """
import json
import os

import numpy as np


def model_fn(model_dir):
    with open(os.path.join(model_dir, "weights.json")) as fh:
        return np.asarray(json.load(fh))


def predict_fn(data, model):
    data = np.asarray(data, dtype=float)
    if data.shape[1] != model.shape[0]:
        raise ValueError(f"expected {model.shape[0]} features, got {data.shape[1]}")
    return data @ model
"""

WEIGHTS = "[1.0, 2.0, 3.0]"


def train_xgboost(root: Path) -> Path:
    """Train the XGBoost built-in on a slice of the diabetes data; return its model folder."""
    from sklearn.datasets import load_diabetes

    data = load_diabetes(as_frame=True)
    frame = data.frame.rename(columns={"target": "progression"})
    frame = frame[["progression", *data.feature_names]].head(120)
    job = make_job(
        root, {"train": frame}, {"num_round": 5, "max_depth": 2, "objective": "reg:squarederror"}
    )
    run_job(job, "xgboost")
    if job.returncode != 0:
        raise RuntimeError(f"training failed: {job.failure or job.stderr[-2000:]}")
    return job.model_dir


def user_model(root: Path, inference: str = USER_INFERENCE) -> Path:
    """A model folder with ``weights.json`` and ``code/inference.py``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "weights.json").write_text(WEIGHTS)
    (root / "code").mkdir(exist_ok=True)
    (root / "code" / "inference.py").write_text(inference)
    return root


def pack(folder: Path, archive: Path) -> Path:
    """``model.tar.gz`` of a folder, flat members (as a training job writes it)."""
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(folder.rglob("*")):
            tar.add(path, arcname=path.relative_to(folder).as_posix(), recursive=False)
    return archive


def diabetes_row() -> str:
    """One CSV row of diabetes features (no label)."""
    from sklearn.datasets import load_diabetes

    frame: pd.DataFrame = load_diabetes(as_frame=True).data
    return ",".join(str(v) for v in frame.iloc[0].tolist())


_CACHE: dict[str, Path] = {}


def trained_xgboost() -> Path:
    """The XGBoost model folder, trained once per test session (removed at exit)."""
    if "xgboost" not in _CACHE:
        import atexit
        import shutil
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="sabio-test-xgb-"))
        atexit.register(shutil.rmtree, root, True)
        _CACHE["xgboost"] = train_xgboost(root / "job")
    return _CACHE["xgboost"]
