"""Bad inputs end a job with a clear ``failure`` file and a non-zero exit status."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from ._jobs import Job, run_job
from .conftest import cancer, diabetes, insurance_like

NewJob = Callable[..., Job]


def _fails(job: Job, algorithm: str, *expected: str) -> str:
    run_job(job, algorithm)
    assert job.returncode == 1, job.stderr[-2000:]
    failure = job.failure
    assert failure is not None and failure.startswith("ClientError: ")
    for text in expected:
        assert text in failure, failure
    return failure


def test_xgboost_wrong_hyperparameter_value_fails_clearly(new_job: NewJob) -> None:
    job = new_job({"train": diabetes().iloc[:50]}, {"num_round": "ten"})
    _fails(job, "xgboost", "'num_round'", "an integer in [1, inf) or 'auto'", "'ten'")


def test_xgboost_bad_num_round_fails(new_job: NewJob) -> None:
    job = new_job({"train": diabetes().iloc[:50]}, {"num_round": "0"})
    _fails(job, "xgboost", "'num_round'", "an integer in [1, inf) or 'auto'", "'0'")


def test_mlp_unknown_hyperparameter_suggests_name(new_job: NewJob) -> None:
    job = new_job({"train": diabetes().iloc[:50]}, {"learning_rat": "0.1"})
    _fails(job, "mlp", "Unknown hyperparameter 'learning_rat'", "Did you mean 'learning_rate'?")


def test_random_forest_out_of_range_value_fails(new_job: NewJob) -> None:
    job = new_job({"train": diabetes().iloc[:50]}, {"min_samples_split": "1"})
    _fails(job, "random_forest", "'min_samples_split'", "in [2, inf)", "'1'")


def test_linear_learner_class_with_one_example_fails(new_job: NewJob) -> None:
    frame = cancer().iloc[:60, :4].copy()
    frame.loc[0, "diagnosis"] = "rare"
    job = new_job({"train": frame}, {"target": "diagnosis"}, header=True)
    _fails(job, "linear_learner", "'rare': 1", "fewer than 2 examples")


def test_random_forest_missing_label_column_fails(new_job: NewJob) -> None:
    job = new_job({"train": insurance_like(40)}, {"target": "charge"}, header=True)
    _fails(job, "random_forest", "no label column 'charge'", "Did you mean 'charges'?")


def test_xgboost_header_without_target_fails(new_job: NewJob) -> None:
    job = new_job({"train": insurance_like(40)}, {"num_round": 2}, header=True)
    _fails(job, "xgboost", "looks like a header", "target")


def test_mlp_text_in_headerless_csv_fails(new_job: NewJob) -> None:
    frame = insurance_like(40).drop(columns=["sex", "smoker", "region"]).astype(object)
    frame.iloc[5, 2] = "abc"
    job = new_job({"train": frame}, {})
    _fails(job, "mlp", "non-numeric value 'abc' at row 6, column 3")


def test_linear_learner_all_missing_column_fails(new_job: NewJob) -> None:
    frame = insurance_like(40)
    frame["notes"] = float("nan")
    job = new_job({"train": frame}, {"target": "charges"}, header=True)
    _fails(job, "linear_learner", "['notes']", "no values at all")


def test_xgboost_empty_channel_fails(new_job: NewJob) -> None:
    job = new_job({"train": diabetes().iloc[:30], "validation": ""}, {"num_round": 2})
    (job.root / "input" / "data" / "validation" / "part-0.csv").unlink()
    _fails(job, "xgboost", "Channel 'validation' is empty")


def test_random_forest_duplicate_test_rows_warn(new_job: NewJob) -> None:
    frame = insurance_like(80)
    channels = {"train": frame, "test": pd.concat([frame.iloc[:5], insurance_like(10, seed=4)])}
    job = new_job(channels, {"target": "smoker", "n_estimators": 8}, header=True)
    run_job(job, "random_forest")
    assert job.returncode == 0, job.stderr[-2000:]
    assert "5 of 15 rows of channel 'test' also occur in channel 'train'" in job.stderr
    evaluation = job.evaluation()
    assert evaluation["warnings"]
    # No validation channel: the threshold comes from the forest's out-of-bag predictions.
    assert evaluation["threshold"]["chosen_on"].startswith("out-of-bag predictions")


@pytest.mark.parametrize("algorithm", ["xgboost", "random_forest", "linear_learner", "mlp"])
def test_builtin_bad_tuning_objective_fails(new_job: NewJob, algorithm: str) -> None:
    hps = {"_tuning_objective_metric": "validation:accuracy", "num_round": 2}
    if algorithm != "xgboost":
        hps.pop("num_round")
    job = new_job({"train": diabetes().iloc[:40], "validation": diabetes().iloc[40:60]}, hps)
    _fails(job, algorithm, "accuracy", "regressor")


def test_xgboost_rejected_parameter_is_a_client_error(new_job: NewJob) -> None:
    hps = {"num_round": 2, "monotone_constraints": "(1,0,1,1,1,1,1,1,1,1,1,1,1,1)"}
    job = new_job({"train": diabetes().iloc[:40]}, hps)
    _fails(job, "xgboost", "XGBoost rejected the hyperparameters", "monotone constraint")
