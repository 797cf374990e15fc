"""Strategies on Optuna: distributions, value mapping, grids, pruners, completion criteria."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import optuna
import pytest

from sabio.tuning import TuningJobSpec
from sabio.tuning._criteria import completion_reason
from sabio.tuning._search import (
    add_parent_trials,
    distributions,
    hyperparameters_of,
    open_study,
    pruner,
)


def _spec(strategy: str = "Bayesian", **extra: Any) -> TuningJobSpec:
    ranges = extra.pop(
        "ranges",
        {
            "ContinuousParameterRanges": [
                {"Name": "lr", "MinValue": 1e-4, "MaxValue": 0.1, "ScalingType": "Logarithmic"},
                {
                    "Name": "mom",
                    "MinValue": 0.9,
                    "MaxValue": 0.999,
                    "ScalingType": "ReverseLogarithmic",
                },
            ],
            "IntegerParameterRanges": [{"Name": "batch", "MinValue": 32, "MaxValue": 128}],
            "CategoricalParameterRanges": [{"Name": "act", "Values": ["relu", "tanh"]}],
        },
    )
    return TuningJobSpec.model_validate(
        {
            "HyperParameterTuningJobName": "t-1",
            "HyperParameterTuningJobConfig": {
                "Strategy": strategy,
                "HyperParameterTuningJobObjective": {"Type": "Minimize", "MetricName": "m"},
                "ResourceLimits": {"MaxNumberOfTrainingJobs": 8},
                "ParameterRanges": ranges,
                "RandomSeed": 3,
                **extra,
            },
            "TrainingJobDefinition": {"entry_point": "t.py", "output_path": "s3://b"},
        }
    )


def test_search_values_stay_in_ranges(tmp_path: Path) -> None:
    spec = _spec()
    study = open_study(spec, tmp_path / "journal")
    for _ in range(20):
        trial = study.ask(fixed_distributions=distributions(spec))
        hps = hyperparameters_of(spec, trial.params)
        assert 1e-4 <= hps["lr"] <= 0.1
        assert 0.9 <= hps["mom"] <= 0.999
        assert isinstance(hps["batch"], int) and 32 <= hps["batch"] <= 128
        assert hps["act"] in ("relu", "tanh")
        study.tell(trial, hps["lr"])


def test_search_grid_visits_every_point(tmp_path: Path) -> None:
    spec = _spec(
        "Grid",
        ranges={
            "IntegerParameterRanges": [{"Name": "n", "MinValue": 1, "MaxValue": 3}],
            "CategoricalParameterRanges": [{"Name": "a", "Values": ["x", "y"]}],
        },
        ResourceLimits={},
    )
    study = open_study(spec, tmp_path / "journal")
    seen = set()
    for _ in range(spec.max_jobs()):
        trial = study.ask(fixed_distributions=distributions(spec))
        seen.add((trial.params["n"], trial.params["a"]))
        study.tell(trial, 1.0)
    assert len(seen) == 6


def test_search_study_survives_reopening(tmp_path: Path) -> None:
    spec = _spec("Random")
    study = open_study(spec, tmp_path / "journal")
    trial = study.ask(fixed_distributions=distributions(spec))
    study.tell(trial, 0.5)
    again = open_study(spec, tmp_path / "journal")
    assert [t.value for t in again.get_trials()] == [0.5]


def test_search_pruners() -> None:
    assert isinstance(pruner(_spec()), optuna.pruners.NopPruner)
    assert isinstance(
        pruner(_spec(TrainingJobEarlyStoppingType="Auto")), optuna.pruners.MedianPruner
    )
    hyperband = _spec(
        "Hyperband",
        StrategyConfig={"HyperbandStrategyConfig": {"MinResource": 2, "MaxResource": 9}},
    )
    assert isinstance(pruner(hyperband), optuna.pruners.HyperbandPruner)


def test_search_warm_start_skips_out_of_range(tmp_path: Path) -> None:
    spec = _spec("Random")
    study = open_study(spec, tmp_path / "journal")
    parents = [
        ("p-1", {"lr": 0.01, "mom": 0.95, "batch": 64, "act": "relu"}, 0.3),
        ("p-2", {"lr": 5.0, "mom": 0.95, "batch": 64, "act": "relu"}, 0.1),  # lr out of range
        ("p-3", {"lr": 0.01, "batch": 64, "act": "relu"}, 0.2),  # mom missing
    ]
    assert add_parent_trials(study, spec, parents) == 1
    assert study.best_trial.user_attrs["parent_job"] == "p-1"


@pytest.mark.parametrize(
    ("criteria", "values", "expected"),
    [
        ({"TargetObjectiveMetricValue": 0.2}, [0.5, 0.1], "TargetObjectiveMetricValue"),
        ({"TargetObjectiveMetricValue": 0.05}, [0.5, 0.1], None),
        (
            {"BestObjectiveNotImproving": {"MaxNumberOfTrainingJobsNotImproving": 2}},
            [0.1, 0.5, 0.4],
            "BestObjectiveNotImproving",
        ),
        (
            {"ConvergenceDetected": {"CompleteOnConvergence": "Enabled"}},
            [1.0, 0.5, 0.2, 0.1, 0.3, 0.4, 0.2, 0.5, 0.6, 0.3, 0.2],
            "ConvergenceDetected",
        ),
    ],
)
def test_criteria(
    tmp_path: Path, criteria: dict[str, Any], values: list[float], expected: str | None
) -> None:
    spec = _spec("Random", TuningJobCompletionCriteria=criteria)
    study = open_study(spec, tmp_path / "journal")
    for value in values:
        trial = study.ask(fixed_distributions=distributions(spec))
        trial.set_user_attr("job_name", f"j-{trial.number}")
        study.tell(trial, value)
    reason = completion_reason(spec, study)
    assert (reason is None) if expected is None else (reason or "").startswith(expected)
