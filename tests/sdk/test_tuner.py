"""HyperparameterTuner: fit, describe, analytics, plot, attach, and bad input before any trial."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.tuning._helpers import make_estimator, upload_data

from sabio import image_uris
from sabio.estimator import Estimator
from sabio.exceptions import NotFoundError, ValidationError
from sabio.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter
from sabio.session import Session
from sabio.tuner import HyperparameterTuner, WarmStartConfig, WarmStartTypes
from sabio.tuning._kind import TUNING


@pytest.fixture
def session(sabio_home: Path) -> Session:
    return Session()


def test_tuner_fit_analytics_plot_attach(session: Session, tmp_path: Path) -> None:
    uri = upload_data(session)
    tuner = HyperparameterTuner(
        make_estimator(tmp_path),
        "validation:final",
        {"x": ContinuousParameter(0, 1), "kind": CategoricalParameter(["a", "b"])},
        objective_type="Minimize",
        max_jobs=3,
        max_parallel_jobs=2,
        random_seed=1,
    )
    tuner.fit({"train": uri}, job_name="sdk-tune")
    description = tuner.describe()
    assert description["HyperParameterTuningJobStatus"] == "Completed"
    best = tuner.best_training_job()
    frame = tuner.analytics().dataframe()
    assert list(frame.columns) == [
        "x",
        "kind",
        "TrainingJobName",
        "TrainingJobStatus",
        "FinalObjectiveValue",
        "TrainingStartTime",
        "TrainingEndTime",
        "TrainingElapsedTimeSeconds",
    ]
    assert len(frame) == 3
    assert frame.loc[frame.FinalObjectiveValue.idxmin(), "TrainingJobName"] == best
    figure = tuner.plot()
    assert len([a for a in figure.axes if a.get_visible()]) == 3
    attached = HyperparameterTuner.attach("sdk-tune", sagemaker_session=session)
    assert attached.best_training_job() == best
    assert attached.objective_type == "Minimize"
    estimator = tuner.best_estimator()
    assert estimator.latest_training_job is not None
    assert estimator.latest_training_job.name == best
    assert estimator.model_data


def _builtin() -> Estimator:
    return Estimator(image_uri=image_uris.retrieve("xgboost"), hyperparameters={"num_round": 5})


def test_tuner_unknown_builtin_metric_lists_metrics(session: Session) -> None:
    uri = upload_data(session)
    tuner = HyperparameterTuner(
        _builtin(), "validation:aucc", {"eta": ContinuousParameter(0.1, 0.5)}, max_jobs=2
    )
    with pytest.raises(ValidationError) as info:
        tuner.fit({"train": uri}, job_name="bad-metric")
    assert "Did you mean 'validation:auc'" in str(info.value)
    assert "validation:rmse" in str(info.value)
    assert session.catalog.jobs(TUNING).list() == []


def test_tuner_parallel_above_max_jobs(session: Session) -> None:
    tuner = HyperparameterTuner(
        _builtin(),
        "validation:rmse",
        {"max_depth": IntegerParameter(2, 6)},
        max_jobs=2,
        max_parallel_jobs=3,
    )
    with pytest.raises(ValidationError, match=r"max_parallel_jobs \(3\) is greater"):
        tuner.fit({"train": upload_data(session)})


def test_tuner_tuned_name_kept_static(session: Session) -> None:
    tuner = HyperparameterTuner(
        _builtin(),
        "validation:rmse",
        {"num_round": IntegerParameter(2, 6)},
        max_jobs=2,
        hyperparameters_to_keep_static=["num_round"],
    )
    with pytest.raises(ValidationError, match="both tuned and static"):
        tuner.fit({"train": upload_data(session)})


def test_tuner_missing_parent(session: Session) -> None:
    tuner = HyperparameterTuner(
        _builtin(),
        "validation:rmse",
        {"max_depth": IntegerParameter(2, 6)},
        max_jobs=2,
        warm_start_config=WarmStartConfig(WarmStartTypes.TRANSFER_LEARNING, ["no-such-parent"]),
    )
    with pytest.raises(NotFoundError, match="'no-such-parent' does not exist"):
        tuner.fit({"train": upload_data(session)})


def test_tuner_grid_refuses_continuous(session: Session) -> None:
    tuner = HyperparameterTuner(
        _builtin(), "validation:rmse", {"eta": ContinuousParameter(0.1, 0.5)}, strategy="Grid"
    )
    with pytest.raises(ValidationError, match="cannot be enumerated"):
        tuner.fit({"train": upload_data(session)})


def test_tuner_bad_arguments() -> None:
    with pytest.raises(ValidationError, match="non-empty dict"):
        HyperparameterTuner(_builtin(), "validation:rmse", {})
    with pytest.raises(ValidationError, match="1 to 5 parent"):
        WarmStartConfig(WarmStartTypes.TRANSFER_LEARNING, [])
    with pytest.raises(ValidationError, match="no tuning job yet"):
        HyperparameterTuner(
            _builtin(), "validation:rmse", {"eta": ContinuousParameter(0.1, 0.5)}
        ).describe()
