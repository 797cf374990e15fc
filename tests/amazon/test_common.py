"""``sagemaker.amazon.common`` at sabio's path: RecordIO-protobuf written and read back the way
SageMaker's SDK documents it (fresh snippets of its documented usage)."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
import scipy.sparse

from sabio.amazon.common import (
    RecordDeserializer,
    RecordSerializer,
    read_records,
    write_numpy_to_dense_tensor,
    write_spmatrix_to_sparse_tensor,
)
from sabio.exceptions import ValidationError


def test_dense_tensor_round_trip_keeps_values_labels_and_types() -> None:
    features = np.array([[1.5, 2.0, -3.25], [4.0, 0.0, 6.5]], dtype="float32")
    labels = np.array([0, 1])
    buf = io.BytesIO()
    write_numpy_to_dense_tensor(buf, features, labels)
    buf.seek(0)
    records = read_records(buf)
    assert len(records) == 2
    assert records[0].features["values"].float32_tensor.values == [1.5, 2.0, -3.25]
    assert records[1].label["values"].int32_tensor.values == [1]
    assert records[0].features["values"].WhichOneof("value") == "float32_tensor"
    # float64 arrays become float64 tensors, negative integer labels survive
    buf = io.BytesIO()
    write_numpy_to_dense_tensor(buf, np.array([[0.1, 0.2]]), np.array([-7]))
    buf.seek(0)
    (record,) = read_records(buf)
    assert record.features["values"].float64_tensor.values == [0.1, 0.2]
    assert record.label["values"].int32_tensor.values == [-7]


def test_frames_follow_the_recordio_wire_format() -> None:
    buf = io.BytesIO()
    write_numpy_to_dense_tensor(buf, np.array([[1.0]], dtype="float32"))
    raw = buf.getvalue()
    magic, length = struct.unpack("<II", raw[:8])
    assert magic == 0xCED7230A
    assert len(raw) == 8 + length + (-length % 4)  # padded to 4 bytes
    # features map entry "values" -> Value{float32_tensor{values: packed [1.0]}}
    payload = raw[8 : 8 + length]
    assert b"values" in payload and struct.pack("<f", 1.0) in payload


def test_sparse_tensor_keeps_keys_and_shape() -> None:
    matrix = scipy.sparse.csr_matrix(np.array([[0.0, 2.0, 0.0, 3.0], [1.0, 0.0, 0.0, 0.0]]))
    buf = io.BytesIO()
    write_spmatrix_to_sparse_tensor(buf, matrix, np.array([1.0, 0.0]))
    buf.seek(0)
    first, second = read_records(buf)
    tensor = first.features["values"].float64_tensor
    assert (tensor.values, tensor.keys, tensor.shape) == ([2.0, 3.0], [1, 3], [4])
    assert second.features["values"].float64_tensor.keys == [0]
    assert first.label["values"].float64_tensor.values == [1.0]


def test_record_serializer_and_deserializer() -> None:
    serializer = RecordSerializer()
    assert serializer.CONTENT_TYPE == "application/x-recordio-protobuf"
    body = serializer.serialize(np.array([1.0, 2.0, 3.0]))  # one row
    records = RecordDeserializer().deserialize(io.BytesIO(body), serializer.CONTENT_TYPE)
    assert [r.features["values"].float64_tensor.values for r in records] == [[1.0, 2.0, 3.0]]


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(ValidationError, match="Matrix"):
        write_numpy_to_dense_tensor(io.BytesIO(), np.array([1.0, 2.0]))
    with pytest.raises(ValidationError, match="Label shape"):
        write_numpy_to_dense_tensor(io.BytesIO(), np.ones((2, 2)), np.array([1, 2, 3]))
    with pytest.raises(ValidationError, match="sparse"):
        write_spmatrix_to_sparse_tensor(io.BytesIO(), np.ones((2, 2)))
    with pytest.raises(ValueError, match="magic number"):
        read_records(io.BytesIO(b"1,2,3\n4,5,6\n"))
