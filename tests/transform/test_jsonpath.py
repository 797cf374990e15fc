"""The JSONPath subset of ``input_filter``/``output_filter``."""

from __future__ import annotations

import pytest

from sabio.exceptions import ValidationError
from sabio.transform import parse_jsonpath

ROW = ["id-7", "1.5", "2", "3"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("$", ROW),
        ("$[0]", "id-7"),
        ("$[-1]", "3"),
        ("$[1:]", ["1.5", "2", "3"]),
        ("$[:2]", ["id-7", "1.5"]),
        ("$[1:3]", ["1.5", "2"]),
        ("$[0,-1]", ["id-7", "3"]),
        ("$[*]", ROW),
    ],
)
def test_jsonpath_on_csv_fields(expression: str, expected: object) -> None:
    assert parse_jsonpath(expression).apply(ROW) == expected


def test_jsonpath_on_json_objects() -> None:
    record = {"id": 3, "features": [1, 2, 3], "meta": {"site": "a"}}
    assert parse_jsonpath("$.features").apply(record) == [1, 2, 3]
    assert parse_jsonpath("$['features'][0]").apply(record) == 1
    assert parse_jsonpath("$.meta.site").apply(record) == "a"
    assert parse_jsonpath('$["id"]').apply(record) == 3
    assert parse_jsonpath("$.*").apply({"a": 1, "b": 2}) == [1, 2]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("features", "starts with '\\$'"),
        ("$..features", "cannot read"),
        ("$[?(@.a)]", "cannot read"),
    ],
)
def test_jsonpath_unsupported_expressions(expression: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_jsonpath(expression)


def test_jsonpath_no_match_is_explained() -> None:
    with pytest.raises(ValidationError, match="index 9 is out of range for 4 values"):
        parse_jsonpath("$[9]").apply(ROW)
    with pytest.raises(ValidationError, match="no key 'features'"):
        parse_jsonpath("$.features").apply({"x": 1})
