"""The convenience estimators of the built-ins (``sabio.algorithms.XGBoost`` ...)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import sabio.algorithms as algorithms
from sabio._builtin_estimators import BuiltinEstimator
from sabio.algorithms import MLP, LinearLearner, RandomForest, TextClassifier, XGBoost
from sabio.exceptions import ValidationError
from sabio.session import Session


@pytest.fixture
def session(sabio_home: Path) -> Session:
    return Session()


def test_builtin_estimators_exported_lazily_from_algorithms() -> None:
    for name in ("XGBoost", "RandomForest", "LinearLearner", "MLP", "TextClassifier"):
        cls = getattr(algorithms, name)
        assert issubclass(cls, BuiltinEstimator)
        assert name in algorithms.__all__
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        algorithms.Nope  # noqa: B018


def test_builtin_estimators_program_imports_no_sdk() -> None:
    code = (
        "import sys, sabio.algorithms.xgboost.__main__, sabio.algorithms.mlp.__main__\n"
        "bad = [m for m in ('sabio.estimator', 'sabio.session', 'sabio.catalog', "
        "'sabio._builtin_estimators', 'sabio.training') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_builtin_estimators_image_uri_and_hyperparameters(session: Session) -> None:
    xgb = XGBoost(
        role="arn:aws:iam::1:role/x",
        instance_type="local",
        sagemaker_session=session,
        hyperparameters={"num_round": "50", "eta": 0.3},
        eta=0.2,
        max_depth=4,
        max_run=600,
        base_job_name="fraud",
    )
    assert xgb.image_uri == "sabio/xgboost:latest"
    assert xgb.hyperparameters() == {"num_round": "50", "eta": 0.2, "max_depth": 4}
    assert xgb.max_run == 600 and xgb.base_job_name == "fraud"
    assert RandomForest(sagemaker_session=session).image_uri == "sabio/random-forest:latest"
    assert LinearLearner(sagemaker_session=session).image_uri == "sabio/linear-learner:latest"
    assert MLP(sagemaker_session=session, epochs=3).hyperparameters() == {"epochs": 3}
    assert TextClassifier(sagemaker_session=session).image_uri.startswith("sabio/text-classifier")


def test_builtin_estimators_unknown_hyperparameter_suggests(session: Session) -> None:
    with pytest.raises(ValidationError, match=r"unknown argument or hyperparameter 'num_rounds'"):
        XGBoost(sagemaker_session=session, num_rounds=10)
    with pytest.raises(ValidationError, match=r"Did you mean 'num_round'"):
        XGBoost(sagemaker_session=session, hyperparameters={"num_rounds": 10})
    with pytest.raises(ValidationError, match=r"Did you mean 'n_estimators'"):
        RandomForest(sagemaker_session=session, n_estimator=10)
    with pytest.raises(ValidationError, match=r"Did you mean 'learning_rate'"):
        MLP(sagemaker_session=session).set_hyperparameters(learning_rat=0.1)


def test_builtin_estimators_bad_value_is_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match=r"'eta' must be a number in \[0, 1\], got 2"):
        XGBoost(sagemaker_session=session, eta=2)
    with pytest.raises(ValidationError, match=r"'activation' must be one of"):
        MLP(sagemaker_session=session, activation="relux")
    est = LinearLearner(sagemaker_session=session, _tuning_objective_metric="validation:rmse")
    assert est.hyperparameters()["_tuning_objective_metric"] == "validation:rmse"


def test_builtin_estimators_entry_point_is_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match=r"'entry_point'"):
        XGBoost(sagemaker_session=session, entry_point="train.py")


def test_builtin_estimators_fit_runs_the_builtin(session: Session, tmp_path: Path) -> None:
    rows = [f"{2.0 * i + 1.0},{float(i)},{float(i % 3)}" for i in range(40)]
    data = tmp_path / "train.csv"
    data.write_text("\n".join(rows) + "\n")
    uri = session.upload_data(str(data), key_prefix="builtin-est/train")
    est = LinearLearner(sagemaker_session=session, predictor_type="regressor")
    est.fit({"train": uri}, logs=False)
    description = est.describe()
    assert description["TrainingJobStatus"] == "Completed"
    assert description["AlgorithmSpecification"]["TrainingImage"] == "sabio/linear-learner:latest"
    assert est.model_data is not None and est.model_data.endswith("model.tar.gz")
