"""Parameter values are typed before an execution starts."""

from __future__ import annotations

import pytest

from sabio.exceptions import ValidationError
from sabio.pipelines import parse_definition
from sabio.pipelines._parameters import resolve_parameters

DEFINITION = parse_definition(
    {
        "Parameters": [
            {"Name": "Epochs", "Type": "Integer", "DefaultValue": 5},
            {"Name": "Rate", "Type": "Float", "DefaultValue": 0.1},
            {"Name": "Mode", "Type": "String", "DefaultValue": "a", "EnumValues": ["a", "b"]},
            {"Name": "Deploy", "Type": "Boolean", "DefaultValue": False},
        ],
        "Steps": [],
    }
)


def test_parameters_defaults_and_string_values_are_typed() -> None:
    assert resolve_parameters(DEFINITION, {}) == {
        "Epochs": 5,
        "Rate": 0.1,
        "Mode": "a",
        "Deploy": False,
    }
    given = {"Epochs": "7", "Rate": 1, "Deploy": "true", "Mode": "b"}
    assert resolve_parameters(DEFINITION, given) == {
        "Epochs": 7,
        "Rate": 1.0,
        "Mode": "b",
        "Deploy": True,
    }


@pytest.mark.parametrize(
    ("given", "pattern"),
    [
        ({"Epochs": 2.5}, r"'Epochs' is an Integer .* got 2.5"),
        ({"Epochs": True}, r"'Epochs' is an Integer"),
        ({"Rate": "fast"}, r"'Rate' is a Float .* got 'fast'"),
        ({"Mode": 3}, r"'Mode' is a String"),
        ({"Mode": "c"}, r"'Mode' must be one of \['a', 'b'\]"),
        ({"Deploy": "yes"}, r"'Deploy' is a Boolean"),
        ({"Epoch": 1}, r"Unknown pipeline parameter 'Epoch'.*Did you mean 'Epochs'"),
    ],
)
def test_parameters_of_the_wrong_type_are_refused(given: dict[str, object], pattern: str) -> None:
    with pytest.raises(ValidationError, match=pattern):
        resolve_parameters(DEFINITION, given)


def test_parameters_without_default_must_be_given() -> None:
    definition = parse_definition({"Parameters": [{"Name": "Data", "Type": "String"}]})
    with pytest.raises(ValidationError, match="'Data' has no default value"):
        resolve_parameters(definition, {})
