"""Fixtures for the built-in algorithm tests: small data sets and trained jobs.

Trained jobs are session-wide: on first use every standard job starts at once (each a real
``python -m sabio.algorithms.<name>`` in its own /opt/ml-style folder) and tests wait only
for the one they need, so the whole suite pays for imports in parallel.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ._jobs import Job, finish_job, make_job, start_job


def diabetes() -> pd.DataFrame:
    """scikit-learn's diabetes data, label ``progression`` first."""
    from sklearn.datasets import load_diabetes

    data = load_diabetes(as_frame=True)
    frame = data.frame.rename(columns={"target": "progression"})
    return frame[["progression", *data.feature_names]]


def cancer() -> pd.DataFrame:
    """Breast cancer data with a text label ``diagnosis`` (malignant/benign) first."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer(as_frame=True)
    frame = data.frame.copy()
    diagnosis = np.where(frame.pop("target") == 0, "malignant", "benign")
    frame.insert(0, "diagnosis", diagnosis)
    return frame


def iris() -> pd.DataFrame:
    """Iris with a text label ``species`` first."""
    from sklearn.datasets import load_iris

    data = load_iris(as_frame=True)
    frame = data.frame.copy()
    species = np.asarray(data.target_names)[frame.pop("target").to_numpy()]
    frame.insert(0, "species", species)
    return frame


def insurance_like(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """Synthetic insurance-style rows with text columns; label ``charges`` first."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 65, n)
    smoker = rng.choice(["yes", "no"], n, p=[0.25, 0.75])
    bmi = rng.normal(30, 5, n).round(1)
    region = rng.choice(["north", "south", "east", "west"], n)
    charges = 250 * age + 20000 * (smoker == "yes") + 300 * bmi + rng.normal(0, 1500, n)
    return pd.DataFrame(
        {
            "charges": charges.round(2),
            "age": age,
            "sex": rng.choice(["female", "male"], n),
            "bmi": bmi,
            "smoker": smoker,
            "region": region,
        }
    )


def split(frame: pd.DataFrame, fractions: tuple[float, ...], seed: int = 0) -> list[pd.DataFrame]:
    """Shuffle and cut ``frame`` into parts of the given fractions (the rest goes last)."""
    order = np.random.default_rng(seed).permutation(len(frame))
    cuts = np.cumsum([int(f * len(frame)) for f in fractions])
    return [frame.iloc[rows].reset_index(drop=True) for rows in np.split(order, cuts)]


def to_libsvm(frame: pd.DataFrame, label_codes: np.ndarray) -> str:
    """libsvm text of the feature columns (label = ``label_codes``)."""
    lines = []
    for code, row in zip(label_codes, frame.to_numpy(dtype=float), strict=True):
        pairs = " ".join(f"{i}:{v:g}" for i, v in enumerate(row) if v != 0)
        lines.append(f"{code} {pairs}")
    return "\n".join(lines) + "\n"


@dataclass
class Spec:
    """A standard job: algorithm, channels, hyperparameters and data format."""

    algorithm: str
    channels: dict[str, Any]
    hyperparameters: dict[str, Any]
    header: bool = False
    fmt: str = "csv"
    content_types: dict[str, str] = field(default_factory=dict)


def _specs() -> dict[str, Spec]:
    diab_train, diab_valid, diab_test = split(diabetes(), (0.6, 0.2))
    canc_train, canc_valid, canc_test = split(cancer().iloc[:300], (0.6, 0.2))
    iris_train, iris_test = split(iris(), (0.8,))
    ins_train, ins_test = split(insurance_like(), (0.75,))
    iris_codes = iris_train["species"].map({"setosa": 0, "versicolor": 1, "virginica": 2})
    iris_valid_codes = iris_test["species"].map({"setosa": 0, "versicolor": 1, "virginica": 2})
    mlp_iris = {"hidden_layers": "16", "epochs": 15, "seed": 3, "batch_size": 16}
    return {
        "xgb_regression": Spec(
            "xgboost",
            {"train": diab_train, "validation": diab_valid, "test": diab_test},
            {
                "num_round": "30",
                "eta": "0.2",
                "max_depth": "3",
                "eval_metric": "rmse,mae",
                "early_stopping_rounds": "5",
                "_tuning_objective_metric": "validation:r2",
                "subgroup_columns": "f1",
            },
        ),
        "xgb_libsvm": Spec(
            "xgboost",
            {
                "train": to_libsvm(iris_train.iloc[:, 1:], iris_codes.to_numpy()),
                "validation": to_libsvm(iris_test.iloc[:, 1:], iris_valid_codes.to_numpy()),
            },
            {"num_round": 8, "max_depth": 2},
            fmt="libsvm",
            content_types={"train": "text/libsvm", "validation": "text/libsvm"},
        ),
        "rf_binary": Spec(
            "random_forest",
            {"train": canc_train, "validation": canc_valid, "test": canc_test},
            {
                "target": "diagnosis",
                "n_estimators": 12,
                "subgroup_columns": "mean radius",
                "_tuning_objective_metric": "validation:auc",
            },
            header=True,
        ),
        "ll_regression": Spec(
            "linear_learner",
            {"train": ins_train, "test": ins_test},
            {"target": "charges", "mini_batch_size": 100, "subgroup_columns": "smoker,sex"},
            header=True,
            fmt="parquet",
        ),
        "mlp_regression": Spec(
            "mlp",
            {"train": diab_train, "test": diab_test},
            {"target": "progression", "hidden_layers": "16", "epochs": 25, "batch_size": 32},
            header=True,
        ),
        "mlp_iris_a": Spec("mlp", {"train": iris_train}, {"target": "species", **mlp_iris}, True),
        "mlp_iris_b": Spec("mlp", {"train": iris_train}, {"target": "species", **mlp_iris}, True),
    }


class TrainedJobs:
    """Starts every standard job on first use; ``get(name)`` waits for one of them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.started: dict[str, tuple[Job, subprocess.Popen[str]]] = {}
        self.done: dict[str, Job] = {}

    def _start_all(self) -> None:
        for name, spec in _specs().items():
            job = make_job(
                self.root / name,
                spec.channels,
                spec.hyperparameters,
                header=spec.header,
                fmt=spec.fmt,
                content_types=spec.content_types,
            )
            self.started[name] = (job, start_job(job, spec.algorithm))

    def get(self, name: str) -> Job:
        if not self.started:
            self._start_all()
        if name not in self.done:
            job, process = self.started[name]
            self.done[name] = finish_job(job, process)
            if job.returncode != 0:
                raise AssertionError(f"job {name} failed:\n{job.stderr[-3000:]}")
        return self.done[name]

    def close(self) -> None:
        for name, (_, process) in self.started.items():
            if process.poll() is None:
                process.kill()
            if name not in self.done:  # read and close its pipes (no ResourceWarning)
                process.communicate()


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Job]]:
    """``trained("xgb_regression")`` → the finished standard job of that name."""
    jobs = TrainedJobs(tmp_path_factory.mktemp("trained"))
    yield jobs.get
    jobs.close()


@pytest.fixture
def new_job(tmp_path: Path) -> Callable[..., Job]:
    """Lay out a fresh job folder (see ``make_job``) under the test's tmp_path."""

    def factory(channels: dict[str, Any], hyperparameters: dict[str, Any], **kw: Any) -> Job:
        return make_job(tmp_path / "job", channels, hyperparameters, **kw)

    return factory
