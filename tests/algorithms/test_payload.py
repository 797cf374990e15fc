"""Parsing inference request bodies and formatting answers."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from sabio.algorithms import PayloadError
from sabio.algorithms._payload import parse_payload
from sabio.algorithms._serving import Prediction, ServingModel, format_output


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("1,2\n3,4", "text/csv; charset=utf-8"),
        ('{"instances": [[1, 2], [3, 4]]}', "application/json"),
        ("[[1, 2], [3, 4]]", "application/json"),
        ('{"instances": [{"features": [1, 2]}, {"features": [3, 4]}]}', "application/json"),
        ('[1, 2]\n{"features": [3, 4]}', "application/jsonlines"),
    ],
)
def test_payload_positional_rows(body: str, content_type: str) -> None:
    payload = parse_payload(body, content_type)
    assert not payload.named
    assert payload.frame.astype(float).to_numpy().tolist() == [[1, 2], [3, 4]]


def test_payload_named_rows_and_npy() -> None:
    payload = parse_payload('{"instances": [{"a": 1, "b": "x"}]}', "application/json")
    assert payload.named and list(payload.frame.columns) == ["a", "b"]
    buffer = io.BytesIO()
    np.save(buffer, np.array([1.0, 2.0]))
    assert parse_payload(buffer.getvalue(), "application/x-npy").frame.shape == (1, 2)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("", "text/csv", "empty"),
        ("{oops", "application/json", "not valid JSON"),
        ("[[1, 2], [3]]", "application/json", "different numbers of values"),
        ("1 0:1", "text/libsvm", "Unsupported content type"),
        ("1,2", "image/png", "Unsupported content type"),
        (b"not npy", "application/x-npy", ".npy"),
    ],
)
def test_payload_bad_bodies(body: str | bytes, content_type: str, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_payload(body, content_type)


def test_payload_output_formats_for_binary() -> None:
    prediction = Prediction("binary_classifier", np.array([0.2, 0.8]), ["no", "yes"], 0.5)
    body, kind = format_output(prediction, "application/json")
    assert kind == "application/json"
    assert json.loads(body)["predictions"] == [
        {"score": 0.2, "predicted_label": "no"},
        {"score": 0.8, "predicted_label": "yes"},
    ]
    assert format_output(prediction, "text/csv") == ("0.2\n0.8", "text/csv")
    assert format_output(prediction, "*/*")[1] == "application/json"


def test_payload_model_aligns_columns() -> None:
    meta = {
        "predictor_type": "regressor",
        "preprocessing": {"columns": ["a", "b"], "categories": {"b": ["x", "y"]}},
    }
    model = ServingModel.from_meta(meta, lambda x: x.sum(axis=1))
    named = parse_payload('[{"b": "y", "a": 2, "extra": 1}]', "application/json")
    assert model.predict(named).scores.tolist() == [3.0]
    assert model.predict(parse_payload("a,b\n2,x", "text/csv")).scores.tolist() == [3.0]
    assert model.predict(pd.DataFrame({"a": [1], "b": ["z"]})).scores.tolist() == [1.0]
    with pytest.raises(PayloadError, match="expected 2 features"):
        model.predict(parse_payload("1,x,3", "text/csv"))
