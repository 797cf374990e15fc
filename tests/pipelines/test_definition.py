"""Definitions are checked before anything runs: each bad input names the step."""

from __future__ import annotations

from typing import Any

import pytest

from sabio.exceptions import ValidationError
from sabio.pipelines import check_definition, parse_definition


def _definition(*steps: dict[str, Any], parameters: list[Any] | None = None) -> Any:
    return parse_definition(
        {"Version": "2020-12-01", "Parameters": parameters or [], "Steps": list(steps)}
    )


def _fail(name: str, message: Any = "x", depends_on: list[str] | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {"Name": name, "Type": "Fail", "Arguments": {"ErrorMessage": message}}
    if depends_on:
        step["DependsOn"] = depends_on
    return step


def test_definition_graph_has_depends_on_references_and_branches() -> None:
    train = {"Name": "Train", "Type": "Training", "Arguments": {}}
    model = {
        "Name": "Model",
        "Type": "Model",
        "Arguments": {
            "PrimaryContainer": {
                "ModelDataUrl": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
            }
        },
    }
    check = {
        "Name": "Check",
        "Type": "Condition",
        "DependsOn": ["Train"],
        "Arguments": {
            "Conditions": [{"Type": "GreaterThan", "LeftValue": 1, "RightValue": 0}],
            "IfSteps": [model],
            "ElseSteps": [_fail("Stop")],
        },
    }
    graph = check_definition(_definition(train, check))
    assert graph == {
        "Train": set(),
        "Check": {"Train"},
        "Model": {"Check", "Train"},
        "Stop": {"Check"},
    }


def test_definition_cycle_in_depends_on_names_the_steps() -> None:
    with pytest.raises(
        ValidationError, match=r"dependency cycle .*A -> B|dependency cycle .*B -> A"
    ):
        check_definition(_definition(_fail("A", depends_on=["B"]), _fail("B", depends_on=["A"])))


def test_definition_depends_on_a_missing_step_suggests_the_name() -> None:
    with pytest.raises(ValidationError, match=r"Step 'B' depends on 'Trian'.*Did you mean 'Train'"):
        check_definition(_definition(_fail("Train"), _fail("B", depends_on=["Trian"])))


def test_definition_property_of_a_missing_step_is_refused() -> None:
    message = {"Get": "Steps.Nope.ModelArtifacts.S3ModelArtifacts"}
    with pytest.raises(ValidationError, match=r"Step 'A' refers to Steps.Nope"):
        check_definition(_definition(_fail("A", message)))


def test_definition_property_a_step_type_does_not_have_is_refused() -> None:
    train = {"Name": "Train", "Type": "Training", "Arguments": {}}
    bad = _fail("A", {"Get": "Steps.Train.ProcessingOutputConfig.Outputs['x'].S3Output.S3Uri"})
    with pytest.raises(
        ValidationError, match=r"a Training step has no property 'ProcessingOutputConfig'"
    ):
        check_definition(_definition(train, bad))


def test_definition_unknown_parameter_and_execution_variable_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"uses parameter 'Epoch'.*Did you mean 'Epochs'"):
        check_definition(
            _definition(
                _fail("A", {"Get": "Parameters.Epoch"}),
                parameters=[{"Name": "Epochs", "Type": "Integer", "DefaultValue": 1}],
            )
        )
    with pytest.raises(ValidationError, match="not an execution variable"):
        check_definition(_definition(_fail("A", {"Get": "Execution.Nope"})))


def test_definition_condition_on_a_string_is_refused_before_running() -> None:
    literal = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [{"Type": "GreaterThan", "LeftValue": "high", "RightValue": 1}],
            "IfSteps": [],
            "ElseSteps": [],
        },
    }
    with pytest.raises(
        ValidationError, match=r"Condition step 'Check': GreaterThan LeftValue is 'high'"
    ):
        check_definition(_definition(literal))
    parameter = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {
            "Conditions": [
                {"Type": "LessThan", "LeftValue": {"Get": "Parameters.Mode"}, "RightValue": 1}
            ]
        },
    }
    with pytest.raises(ValidationError, match=r"compares Parameters.Mode \(String\)"):
        check_definition(_definition(parameter, parameters=[{"Name": "Mode", "Type": "String"}]))


def test_definition_duplicate_and_unknown_types_are_refused() -> None:
    with pytest.raises(ValidationError, match="Two steps are named 'A'"):
        check_definition(_definition(_fail("A"), _fail("A")))
    with pytest.raises(ValidationError, match=r"type 'Trainning'.*Did you mean 'Training'"):
        check_definition(_definition({"Name": "A", "Type": "Trainning", "Arguments": {}}))


def test_definition_that_is_not_a_definition_is_refused() -> None:
    with pytest.raises(ValidationError, match="Invalid pipeline definition"):
        parse_definition({"Steps": [{"Type": "Fail"}]})
