"""Serializers and deserializers: SageMaker's names, content types and behaviour."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from sabio import deserializers as d
from sabio import serializers as s


def test_serializers_content_types_match_sagemaker() -> None:
    assert s.CSVSerializer().CONTENT_TYPE == "text/csv"
    assert s.JSONSerializer().CONTENT_TYPE == "application/json"
    assert s.JSONLinesSerializer().CONTENT_TYPE == "application/jsonlines"
    assert s.NumpySerializer().CONTENT_TYPE == "application/x-npy"
    assert s.IdentitySerializer().CONTENT_TYPE == "application/octet-stream"
    assert s.LibSVMSerializer().CONTENT_TYPE == "text/libsvm"
    assert s.StringSerializer().CONTENT_TYPE == "text/plain"


def test_serializers_csv_json_numpy_libsvm() -> None:
    assert s.CSVSerializer().serialize([1, 2]) == "1,2"
    assert s.CSVSerializer().serialize(np.array([[1, 2], [3, 4]])) == "1,2\n3,4"
    frame = pd.DataFrame({"a": [1], "b": ["x"]})
    assert s.CSVSerializer().serialize(frame) == "1,x"
    assert s.JSONSerializer().serialize(np.array([1, 2])) == "[1, 2]"
    assert s.JSONLinesSerializer().serialize([{"a": 1}, {"a": 2}]) == '{"a": 1}\n{"a": 2}'
    body = s.NumpySerializer().serialize([[1.0, 2.0]])
    np.testing.assert_array_equal(np.load(io.BytesIO(body)), [[1.0, 2.0]])
    assert s.LibSVMSerializer().serialize([[0, 1.5, 2]]) == "0 1:1.5 2:2"


def test_deserializers_accept_types_and_values() -> None:
    assert d.JSONDeserializer().ACCEPT == ("application/json",)
    assert d.PandasDeserializer().ACCEPT == ("text/csv", "application/json")
    assert d.BytesDeserializer().deserialize(io.BytesIO(b"x"), "a/b") == b"x"
    assert d.StringDeserializer().deserialize(io.BytesIO(b"hi"), "text/plain") == "hi"
    assert d.CSVDeserializer().deserialize(io.BytesIO(b"1,2\n3,4"), "text/csv") == [
        ["1", "2"],
        ["3", "4"],
    ]
    assert d.JSONLinesDeserializer().deserialize(io.BytesIO(b"1\n2\n"), "x") == [1, 2]
    array = d.NumpyDeserializer().deserialize(io.BytesIO(b"[1, 2]"), "application/json")
    np.testing.assert_array_equal(array, [1, 2])
    frame = d.PandasDeserializer().deserialize(
        io.BytesIO(b'{"predictions": [{"score": 1}]}'), "application/json"
    )
    assert frame["score"].tolist() == [1]
    stream, kind = d.StreamDeserializer().deserialize(io.BytesIO(b"z"), "text/plain")
    assert stream.read() == b"z" and kind == "text/plain"
