"""Record-level work: filters, splitting answers, joins (SageMaker's rules)."""

from __future__ import annotations

import json

import pytest

from sabio.exceptions import ValidationError
from sabio.transform._records import RecordPlan


def test_records_csv_join_and_output_filter() -> None:
    plan = RecordPlan.create("text/csv", "text/csv", "$[1:]", "$[0,-1]", True)
    records = ['7,"a,b",2', "8,c,3"]
    assert plan.filter_input(records[0]) == '"a,b",2'
    outputs = plan.split_output(b"0.25\n0.75\n", "text/csv", 2)
    assert plan.finish(records, outputs) == b"7,0.25\n8,0.75\n"


def test_records_json_join_adds_sagemaker_output() -> None:
    plan = RecordPlan.create("application/jsonlines", "application/json", None, None, True)
    body = json.dumps({"predictions": [{"score": 1}, {"score": 2}], "labels": [0, 1]})
    outputs = plan.split_output(body.encode(), "application/json", 2)
    lines = plan.finish(['{"id": 1}', "[5]"], outputs).decode().splitlines()
    assert json.loads(lines[0]) == {"id": 1, "SageMakerOutput": {"score": 1}}
    assert json.loads(lines[1]) == [5, {"score": 2}]


def test_records_output_count_mismatch_is_explained() -> None:
    plan = RecordPlan.create("text/csv", "text/csv", None, "$[0]", False)
    with pytest.raises(ValidationError, match="answered 1 values for 2 records"):
        plan.split_output(b"1\n", "text/csv", 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("application/x-npy", None, "$[0]", None, False), "input_filter needs CSV or JSON"),
        (("text/csv", "application/x-npy", None, None, True), "need CSV or JSON answers"),
        (("text/csv", "application/json", None, None, True), "same format"),
    ],
)
def test_records_plan_refuses_unfilterable_formats(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RecordPlan.create(*args)  # type: ignore[arg-type]
