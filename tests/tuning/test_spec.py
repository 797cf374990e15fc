"""Validation of tuning job specs: every bad input fails before anything starts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError as PydanticError

from sabio.exceptions import NotFoundError, ValidationError
from sabio.session import Session
from sabio.tuning import TuningJobSpec, check_objective_metric, check_tuning_job_name, submit
from sabio.tuning._kind import TUNING
from sabio.tuning._spec import explain

DEFINITION = {
    "job_name": "placeholder",
    "entry_point": "train.py",
    "output_path": "s3://sabio-default",
    "hyperparameters": {"steps": 2},
    "metric_definitions": [{"Name": "validation:final", "Regex": "final: ([0-9.]+)"}],
}


def _spec(**config: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Strategy": "Random",
        "HyperParameterTuningJobObjective": {"Type": "Minimize", "MetricName": "validation:final"},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 4, "MaxParallelTrainingJobs": 2},
        "ParameterRanges": {
            "ContinuousParameterRanges": [{"Name": "x", "MinValue": 0, "MaxValue": 1}]
        },
    }
    definition = config.pop("definition", DEFINITION)
    base.update(config)
    return {
        "HyperParameterTuningJobName": "t-1",
        "HyperParameterTuningJobConfig": base,
        "TrainingJobDefinition": definition,
    }


def _error(**config: Any) -> str:
    with pytest.raises(PydanticError) as info:
        TuningJobSpec.model_validate(_spec(**config))
    return explain(info.value, "t-1")


def test_spec_valid_defaults() -> None:
    spec = TuningJobSpec.model_validate(_spec())
    assert spec.max_jobs() == 4
    assert spec.max_failed() == 2


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ({"ContinuousParameterRanges": [{"Name": "x", "MinValue": 2, "MaxValue": 1}]}, "swap"),
        (
            {
                "ContinuousParameterRanges": [
                    {"Name": "x", "MinValue": 0, "MaxValue": 1, "ScalingType": "Logarithmic"}
                ]
            },
            "MinValue > 0",
        ),
        ({"CategoricalParameterRanges": [{"Name": "a", "Values": ["relu"]}]}, "at least 2"),
        (
            {
                "IntegerParameterRanges": [{"Name": "x", "MinValue": 1, "MaxValue": 3}],
                "ContinuousParameterRanges": [{"Name": "x", "MinValue": 0, "MaxValue": 1}],
            },
            "more than one range",
        ),
        ({}, "no hyperparameter ranges"),
    ],
)
def test_spec_bad_ranges(ranges: dict[str, Any], message: str) -> None:
    assert message in _error(ParameterRanges=ranges)


def test_spec_parallel_above_max_jobs() -> None:
    message = _error(ResourceLimits={"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 3})
    assert "max_parallel_jobs (3) is greater than max_jobs (2)" in message


def test_spec_tuned_and_static() -> None:
    definition = {**DEFINITION, "hyperparameters": {"x": 0.5}}
    assert "both tuned and static" in _error(definition=definition)


def test_spec_grid_refuses_continuous() -> None:
    assert "cannot be enumerated" in _error(Strategy="Grid")


def test_spec_grid_size_is_max_jobs() -> None:
    spec = TuningJobSpec.model_validate(
        _spec(
            Strategy="Grid",
            ResourceLimits={"MaxParallelTrainingJobs": 2},
            ParameterRanges={
                "IntegerParameterRanges": [{"Name": "n", "MinValue": 1, "MaxValue": 3}],
                "CategoricalParameterRanges": [{"Name": "a", "Values": ["x", "y"]}],
            },
        )
    )
    assert spec.max_jobs() == 6


def test_spec_hyperband_with_early_stopping() -> None:
    assert "set early_stopping_type='Off'" in _error(
        Strategy="Hyperband", TrainingJobEarlyStoppingType="Auto"
    )


def test_spec_bad_name() -> None:
    with pytest.raises(ValidationError, match="1-32 letters"):
        check_tuning_job_name("x" * 33)


def test_objective_unknown_script_metric_lists_definitions() -> None:
    with pytest.raises(ValidationError) as info:
        check_objective_metric("validation:loss", DEFINITION, "t-1")
    assert "validation:final" in str(info.value)
    assert "metric_definitions" in str(info.value)


def test_objective_unknown_builtin_metric_lists_metrics() -> None:
    definition = {"builtin_module": "sabio.algorithms.xgboost", "output_path": "s3://b"}
    with pytest.raises(ValidationError) as info:
        check_objective_metric("validation:aucc", definition, "t-1")
    assert "validation:auc" in str(info.value)
    check_objective_metric("validation:auc", definition, "t-1")
    check_objective_metric("validation:error@0.7", definition, "t-1")


def test_submit_missing_parent(session: Session, train_uri: str) -> None:
    spec = TuningJobSpec.model_validate(
        {
            **_spec(definition={**DEFINITION, "channels": {"train": {"uri": train_uri}}}),
            "WarmStartConfig": {
                "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "nope"}],
                "WarmStartType": "TransferLearning",
            },
        }
    )
    with pytest.raises(NotFoundError, match="'nope' does not exist"):
        submit(session.settings, spec)
    assert session.catalog.jobs(TUNING).list() == []


def test_submit_empty_channel(session: Session) -> None:
    session.default_bucket()
    definition = {**DEFINITION, "channels": {"train": {"uri": "s3://sabio-default/none"}}}
    spec = TuningJobSpec.model_validate(_spec(definition=definition))
    with pytest.raises(ValidationError, match="has no data"):
        submit(session.settings, spec)
