"""``sagemaker.amazon.common``: the RecordIO-protobuf format of SageMaker's built-in algorithms.

Write NumPy arrays or SciPy sparse matrices as ``application/x-recordio-protobuf`` for the
Linear Learner (and XGBoost) built-ins' training channels and requests, read such data back,
and send it from a predictor with :class:`RecordSerializer`.

Example:
    >>> import io
    >>> import numpy as np
    >>> from sabio.amazon.common import read_records, write_numpy_to_dense_tensor
    >>> buf = io.BytesIO()
    >>> write_numpy_to_dense_tensor(buf, np.array([[1.0, 2.0]], dtype="float32"), np.array([1]))
    >>> _ = buf.seek(0)
    >>> record = read_records(buf)[0]
    >>> record.features["values"].float32_tensor.values, record.label["values"].int32_tensor.values
    ([1.0, 2.0], [1])
"""

from __future__ import annotations

import io
from typing import IO, Any

import numpy as np

from sabio.algorithms._recordio import (
    CONTENT_TYPE,
    Record,
    dense_records,
    read_recordio,
    sparse_records,
    write_recordio,
)
from sabio.deserializers import SimpleBaseDeserializer
from sabio.exceptions import ValidationError
from sabio.serializers import SimpleBaseSerializer

__all__ = [
    "Record",
    "RecordDeserializer",
    "RecordSerializer",
    "read_recordio",
    "read_records",
    "write_numpy_to_dense_tensor",
    "write_recordio",
    "write_spmatrix_to_sparse_tensor",
]


def _check_labels(array_rows: int, labels: Any) -> Any:
    if labels is None:
        return None
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValidationError(f"Labels must be a Vector, got shape {labels.shape}.")
    if labels.shape[0] != array_rows:
        raise ValidationError(
            f"Label shape {labels.shape} not compatible with array shape ({array_rows}, ...): "
            "give one label per row."
        )
    return labels


def write_numpy_to_dense_tensor(file: IO[bytes], array: Any, labels: Any = None) -> None:
    """Write a 2-D NumPy array (and optional labels, one per row) as dense records.

    Float32 arrays become ``float32_tensor`` values, float64 ``float64_tensor``, integers
    ``int32_tensor`` (as SageMaker's SDK writes them).

    Raises:
        ValidationError: not a matrix, labels of the wrong shape, an unsupported dtype.
    """
    array = np.asarray(array)
    if array.ndim != 2:
        raise ValidationError(f"Array must be a Matrix, got shape {array.shape}.")
    labels = _check_labels(array.shape[0], labels)
    try:
        records = dense_records(array, labels)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    for record in records:
        write_recordio(file, record.SerializeToString())


def write_spmatrix_to_sparse_tensor(file: IO[bytes], array: Any, labels: Any = None) -> None:
    """Write a SciPy sparse matrix (and optional labels) as sparse records (values, column
    keys and the row shape).

    Raises:
        ValidationError: not a sparse matrix, labels of the wrong shape, an unsupported dtype.
    """
    import scipy.sparse

    if not scipy.sparse.issparse(array):
        raise ValidationError("Array must be sparse: pass a scipy.sparse matrix.")
    if len(array.shape) != 2:
        raise ValidationError(f"Array must be a Matrix, got shape {array.shape}.")
    labels = _check_labels(array.shape[0], labels)
    try:
        records = sparse_records(array, labels)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    for record in records:
        write_recordio(file, record.SerializeToString())


def read_records(file: IO[bytes]) -> list[Record]:
    """Every record of a RecordIO-protobuf file, decoded.

    Raises:
        ValueError: the data is not RecordIO-protobuf.
    """
    return [Record.FromString(payload) for payload in read_recordio(file)]


class RecordSerializer(SimpleBaseSerializer):
    """Serializes a NumPy array (one row, or a matrix of rows) as RecordIO-protobuf."""

    def __init__(self, content_type: str = CONTENT_TYPE) -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> bytes:
        """Dense records of ``data`` (a 1-D array is one row).

        Raises:
            ValidationError: data that is not a 1-D or 2-D numeric array.
        """
        array = np.asarray(data)
        if array.ndim == 1:
            array = array.reshape(1, -1)
        if array.ndim != 2:
            raise ValidationError(
                f"RecordSerializer expects a 1-D or 2-D NumPy array, got shape {array.shape}."
            )
        buffer = io.BytesIO()
        write_numpy_to_dense_tensor(buffer, array)
        return buffer.getvalue()


class RecordDeserializer(SimpleBaseDeserializer):
    """Deserializes a RecordIO-protobuf answer into a list of :class:`Record`."""

    def __init__(self, accept: str = CONTENT_TYPE) -> None:
        super().__init__(accept)

    def deserialize(self, stream: IO[bytes], content_type: str) -> list[Record]:
        """Read every record of the answer."""
        try:
            return read_records(stream)
        finally:
            stream.close()
