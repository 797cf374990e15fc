"""Hyperparameter coercion, validation and the job environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sabio.algorithms import HyperparameterError
from sabio.algorithms._env import JobEnv, parse_cli_hyperparameters
from sabio.algorithms._hparams import Param, parse_hyperparameters

PARAMS = (
    Param("num_round", "int", required=True, low=1),
    Param("eta", "float", default=0.3, low=0.0, high=1.0),
    Param("subsample", "float", default=1.0, low=0.0, high=1.0, low_open=True),
    Param("bootstrap", "bool", default=True),
    Param("objective", "choice", choices=("binary:logistic", "reg:squarederror")),
    Param("hidden_layers", "int_list"),
    Param("subgroup_columns", "str_list", default=[]),
    Param("max_depth", "int", low=1, auto=True),
)


def test_hparams_strings_are_coerced() -> None:
    values = parse_hyperparameters(
        {
            "num_round": "100",
            "eta": "0.2",
            "bootstrap": "False",
            "objective": "binary:logistic",
            "hidden_layers": "64,32",
            "subgroup_columns": "sex, smoker",
            "max_depth": "auto",
        },
        PARAMS,
        "test",
    )
    assert values["num_round"] == 100
    assert values["eta"] == 0.2
    assert values["bootstrap"] is False
    assert values["hidden_layers"] == [64, 32]
    assert values["subgroup_columns"] == ["sex", "smoker"]
    assert values["max_depth"] is None
    assert values["subsample"] == 1.0


def test_hparams_decoded_json_values_are_accepted() -> None:
    values = parse_hyperparameters({"num_round": 10.0, "hidden_layers": [8, 4]}, PARAMS, "test")
    assert values["num_round"] == 10
    assert values["hidden_layers"] == [8, 4]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"num_round": "1.5"}, "'num_round' must be an integer in [1, inf), got '1.5'"),
        ({"num_round": "0"}, "'num_round' must be an integer in [1, inf), got '0'"),
        ({"num_round": 5, "subsample": "0"}, "'subsample' must be a number in (0, 1], got '0'"),
        ({"num_round": 5, "eta": "fast"}, "'eta' must be a number in [0, 1], got 'fast'"),
        ({"num_round": 5, "bootstrap": "maybe"}, "'bootstrap' must be a boolean"),
        ({"num_round": 5, "objective": "binary:logistik"}, "Did you mean 'binary:logistic'?"),
        ({}, "'num_round' is required"),
        ({"num_round": 5, "etta": "0.1"}, "Unknown hyperparameter 'etta'"),
    ],
)
def test_hparams_invalid_values_name_the_problem(raw: dict[str, object], message: str) -> None:
    with pytest.raises(HyperparameterError) as info:
        parse_hyperparameters(raw, PARAMS, "test")
    assert message in str(info.value)


def test_hparams_platform_names_are_ignored_and_objective_kept() -> None:
    raw = {
        "num_round": 3,
        "_tuning_objective_metric": "validation:auc",
        "_sagemaker_internal": "x",
        "sagemaker_program": "train.py",
    }
    values = parse_hyperparameters(raw, PARAMS, "test")
    assert values["_tuning_objective_metric"] == "validation:auc"
    assert "_sagemaker_internal" not in values


def test_env_cli_arguments_are_parsed() -> None:
    assert parse_cli_hyperparameters(["--eta", "0.1", "--num_round=5"]) == {
        "eta": "0.1",
        "num_round": "5",
    }
    with pytest.raises(HyperparameterError, match="has no value"):
        parse_cli_hyperparameters(["--eta"])


def test_env_reads_sm_variables(tmp_path: Path) -> None:
    environ = {
        "SM_MODEL_DIR": str(tmp_path / "model"),
        "SM_CHANNELS": '["train","test"]',
        "SM_CHANNEL_TRAIN": str(tmp_path / "train"),
        "SM_CHANNEL_TEST": str(tmp_path / "test"),
        "SM_INPUT_DATA_CONFIG": json.dumps({"train": {"ContentType": "text/csv"}}),
        "SM_HPS": json.dumps({"num_round": 5}),
        "SM_NUM_CPUS": "3",
    }
    env = JobEnv.from_environ(environ, ["--num_round", "7"])
    assert env.hyperparameters == {"num_round": 5}  # SM_HPS wins over the command line
    assert env.channels == {"train": tmp_path / "train", "test": tmp_path / "test"}
    assert env.content_types == {"train": "text/csv"}
    assert env.num_cpus == 3


def test_env_falls_back_to_hyperparameters_json(tmp_path: Path) -> None:
    config = tmp_path / "input" / "config"
    config.mkdir(parents=True)
    (config / "hyperparameters.json").write_text(json.dumps({"eta": "0.5", "objective": "x"}))
    env = JobEnv.from_environ({"SAGEMAKER_BASE_DIR": str(tmp_path)}, [])
    assert env.hyperparameters == {"eta": 0.5, "objective": "x"}
    assert env.model_dir == tmp_path / "model"
