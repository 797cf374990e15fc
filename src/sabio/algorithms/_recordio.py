"""SageMaker's RecordIO-protobuf format (``application/x-recordio-protobuf``), written from its
documented wire format: no protobuf or MXNet dependency.

A file or request body is a sequence of RecordIO frames: the magic number ``0xced7230a`` and a
length word (little-endian ``uint32`` each; the length in the low 29 bits, the upper 3 bits a
continuation flag that SageMaker leaves at 0), then the payload padded with zeros to a multiple
of 4 bytes. Each payload is a protobuf ``aialgs.data.Record`` (proto2)::

    message Float32Tensor { repeated float  values = 1 [packed]; repeated uint64 keys = 2 [packed];
                            repeated uint64 shape = 3 [packed]; }
    message Float64Tensor { repeated double values = 1 [packed]; ... same keys and shape }
    message Int32Tensor   { repeated int32  values = 1 [packed]; ... same keys and shape }
    message Bytes         { repeated bytes value = 1; optional string content_type = 2; }
    message Value  { oneof value { Float32Tensor float32_tensor = 2;
                                   Float64Tensor float64_tensor = 3;
                                   Int32Tensor int32_tensor = 7; Bytes bytes = 9; } }
    message Record { map<string, Value> features = 1; map<string, Value> label = 2;
                     optional string uid = 3; optional string metadata = 4;
                     optional string configuration = 5; }

The classes below read like the protobuf messages SageMaker's SDK hands out
(``record.features["values"].float32_tensor.values``, ``record.label["score"]...``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "CONTENT_TYPE",
    "Bytes",
    "Record",
    "RecordIOError",
    "Tensor",
    "Value",
    "dense_records",
    "read_recordio",
    "records_from_bytes",
    "records_to_bytes",
    "records_to_matrix",
    "sparse_records",
    "tensor_kind",
    "write_recordio",
]

CONTENT_TYPE = "application/x-recordio-protobuf"
MAGIC = 0xCED7230A
_LENGTH_MASK = (1 << 29) - 1
_KINDS = {"float32": (2, "<f4"), "float64": (3, "<f8"), "int32": (7, None)}


class RecordIOError(ValueError):
    """Bytes that are not RecordIO-protobuf."""


# ------------------------------------------------------------------------------- framing
def write_recordio(file: IO[bytes], data: bytes) -> None:
    """Write one RecordIO frame holding ``data``."""
    file.write(struct.pack("<II", MAGIC, len(data)))
    file.write(data)
    file.write(b"\x00" * (-len(data) % 4))


def read_recordio(file: IO[bytes]) -> Iterator[bytes]:
    """The payloads of the RecordIO frames of ``file``, in order.

    Raises:
        RecordIOError: a frame without the magic number, or cut short.
    """
    while True:
        head = file.read(8)
        if not head:
            return
        if len(head) < 8:
            raise RecordIOError("RecordIO data ends inside a frame header.")
        magic, word = struct.unpack("<II", head)
        if magic != MAGIC:
            raise RecordIOError(
                f"Not RecordIO-protobuf: a frame starts with 0x{magic:08x}, expected the magic "
                f"number 0x{MAGIC:08x}. Write the data with sabio.amazon.common."
                "write_numpy_to_dense_tensor (or SageMaker's function of the same name)."
            )
        if word >> 29:
            raise RecordIOError("Multi-part RecordIO frames are not supported.")
        length = word & _LENGTH_MASK
        payload = file.read(length)
        if len(payload) < length:
            raise RecordIOError("RecordIO data ends inside a record.")
        file.read(-length % 4)
        yield payload


# ------------------------------------------------------------------------------ messages
@dataclass
class Tensor:
    """A dense (no ``keys``) or sparse tensor of one numeric type."""

    values: list[Any] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)
    shape: list[int] = field(default_factory=list)


@dataclass
class Bytes:
    """Raw bytes with an optional content type."""

    value: list[bytes] = field(default_factory=list)
    content_type: str = ""


@dataclass
class Value:
    """One of the tensor types (unset ones read as empty, as protobuf messages do)."""

    float32_tensor: Tensor = field(default_factory=Tensor)
    float64_tensor: Tensor = field(default_factory=Tensor)
    int32_tensor: Tensor = field(default_factory=Tensor)
    bytes: Bytes = field(default_factory=Bytes)
    kind: str | None = None  # which one is set: "float32", "float64", "int32", "bytes"

    def WhichOneof(self, _name: str = "value") -> str | None:  # noqa: N802 - protobuf's name
        """The name of the set field (``"float32_tensor"`` ...), as protobuf answers."""
        if self.kind is None:
            return None
        return "bytes" if self.kind == "bytes" else f"{self.kind}_tensor"

    def tensor(self) -> Tensor:
        """The set tensor (an empty one when none is)."""
        return getattr(self, f"{self.kind}_tensor") if self.kind in _KINDS else Tensor()


@dataclass
class Record:
    """One ``aialgs.data.Record``."""

    features: dict[str, Value] = field(default_factory=dict)
    label: dict[str, Value] = field(default_factory=dict)
    uid: str = ""
    metadata: str = ""
    configuration: str = ""

    def SerializeToString(self) -> bytes:  # noqa: N802 - protobuf's name
        """The protobuf encoding."""
        out = bytearray()
        for number, mapping in ((1, self.features), (2, self.label)):
            for key, value in mapping.items():
                entry = _field_bytes(1, key.encode()) + _field_bytes(2, _encode_value(value))
                out += _field_bytes(number, entry)
        for number, text in ((3, self.uid), (4, self.metadata), (5, self.configuration)):
            if text:
                out += _field_bytes(number, text.encode())
        return bytes(out)

    @classmethod
    def FromString(cls, data: bytes) -> Record:  # noqa: N802 - protobuf's name
        """Decode a protobuf-encoded record.

        Raises:
            RecordIOError: malformed protobuf.
        """
        record = cls()
        for number, wire, payload in _fields(data):
            if number in (1, 2) and wire == 2:
                key, value = _decode_entry(payload)  # type: ignore[arg-type]
                (record.features if number == 1 else record.label)[key] = value
            elif number in (3, 4, 5) and wire == 2:
                text = bytes(payload).decode("utf-8")  # type: ignore[arg-type]
                setattr(record, ("uid", "metadata", "configuration")[number - 3], text)
        return record


# ------------------------------------------------------------------------ wire encoding
def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int32 values take ten bytes, as protobuf writes them
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field_bytes(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _encode_tensor(kind: str, tensor: Tensor) -> bytes:
    dtype = _KINDS[kind][1]
    if dtype is not None:
        values = np.asarray(tensor.values, dtype=dtype).tobytes()
    else:
        values = b"".join(_varint(int(v)) for v in tensor.values)
    out = _field_bytes(1, values) if len(tensor.values) else b""
    for number, ints in ((2, tensor.keys), (3, tensor.shape)):
        if len(ints):
            out += _field_bytes(number, b"".join(_varint(int(v)) for v in ints))
    return out


def _encode_value(value: Value) -> bytes:
    if value.kind in _KINDS:
        return _field_bytes(_KINDS[value.kind][0], _encode_tensor(value.kind, value.tensor()))
    if value.kind == "bytes":
        inner = b"".join(_field_bytes(1, item) for item in value.bytes.value)
        if value.bytes.content_type:
            inner += _field_bytes(2, value.bytes.content_type.encode())
        return _field_bytes(9, inner)
    return b""


# ------------------------------------------------------------------------ wire decoding
def _read_varint(data: memoryview, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise RecordIOError("Malformed protobuf in a RecordIO record (bad varint).")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes | memoryview) -> Iterator[tuple[int, int, int | memoryview]]:
    view = memoryview(data)
    pos = 0
    while pos < len(view):
        tag, pos = _read_varint(view, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _read_varint(view, pos)
            yield number, wire, value
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            if pos + size > len(view):
                raise RecordIOError("Malformed protobuf in a RecordIO record (cut short).")
            yield number, wire, view[pos : pos + size]
            pos += size
        elif wire == 2:
            length, pos = _read_varint(view, pos)
            if pos + length > len(view):
                raise RecordIOError("Malformed protobuf in a RecordIO record (cut short).")
            yield number, wire, view[pos : pos + length]
            pos += length
        else:
            raise RecordIOError(f"Malformed protobuf in a RecordIO record (wire type {wire}).")


def _ints(payload: int | memoryview, wire: int) -> list[int]:
    if wire == 0:
        return [int(payload)]  # type: ignore[arg-type]
    view = payload if isinstance(payload, memoryview) else memoryview(b"")
    out, pos = [], 0
    while pos < len(view):
        value, pos = _read_varint(view, pos)
        out.append(value)
    return out


def _decode_tensor(kind: str, data: memoryview) -> Tensor:
    tensor = Tensor()
    dtype = _KINDS[kind][1]
    for number, wire, payload in _fields(data):
        if number == 1:
            if dtype is not None and isinstance(payload, memoryview):
                tensor.values.extend(np.frombuffer(payload, dtype=dtype).tolist())
            else:  # int32 values: varints, two's complement
                tensor.values.extend(v - (1 << 64) if v >> 63 else v for v in _ints(payload, wire))
        elif number in (2, 3):
            (tensor.keys if number == 2 else tensor.shape).extend(_ints(payload, wire))
    return tensor


def _decode_value(data: memoryview) -> Value:
    value = Value()
    by_number = {number: kind for kind, (number, _) in _KINDS.items()}
    for number, wire, payload in _fields(data):
        if wire != 2 or not isinstance(payload, memoryview):
            continue
        if number in by_number:
            value.kind = by_number[number]
            setattr(value, f"{value.kind}_tensor", _decode_tensor(value.kind, payload))
        elif number == 9:
            value.kind = "bytes"
            for inner, _, item in _fields(payload):
                if inner == 1 and isinstance(item, memoryview):
                    value.bytes.value.append(bytes(item))
                elif inner == 2 and isinstance(item, memoryview):
                    value.bytes.content_type = bytes(item).decode("utf-8")
    return value


def _decode_entry(data: memoryview) -> tuple[str, Value]:
    key, value = "", Value()
    for number, _, payload in _fields(data):
        if number == 1 and isinstance(payload, memoryview):
            key = bytes(payload).decode("utf-8")
        elif number == 2 and isinstance(payload, memoryview):
            value = _decode_value(payload)
    return key, value


# ------------------------------------------------------------------------ arrays <-> records
def _value(kind: str, values: Any, keys: Any = (), shape: Any = ()) -> Value:
    tensor = Tensor(list(values), list(keys), list(shape))
    value = Value(kind=kind)
    setattr(value, f"{kind}_tensor", tensor)
    return value


def tensor_kind(dtype: np.dtype[Any]) -> str:
    """The tensor type SageMaker's SDK writes for a NumPy dtype.

    Raises:
        ValueError: a dtype it has no tensor type for.
    """
    if dtype == np.dtype("float32"):
        return "float32"
    if dtype == np.dtype("float64"):
        return "float64"
    if dtype.kind in "iu":
        return "int32"
    raise ValueError(f"Unsupported dtype {dtype} on array: expected int, float32 or float64.")


def dense_records(array: npt.NDArray[Any], labels: npt.NDArray[Any] | None = None) -> list[Record]:
    """One record per row of a 2-D array (``features["values"]``), labels in ``label["values"]``."""
    kind = tensor_kind(array.dtype)
    label_kind = tensor_kind(labels.dtype) if labels is not None else ""
    records = []
    for index, row in enumerate(array):
        record = Record(features={"values": _value(kind, row.tolist())})
        if labels is not None:
            record.label["values"] = _value(label_kind, [labels[index].item()])
        records.append(record)
    return records


def sparse_records(matrix: Any, labels: npt.NDArray[Any] | None = None) -> list[Record]:
    """One sparse record per row of a SciPy sparse matrix (values, column keys, shape)."""
    csr = matrix.tocsr()
    kind = tensor_kind(csr.dtype)
    label_kind = tensor_kind(labels.dtype) if labels is not None else ""
    records = []
    for index in range(csr.shape[0]):
        start, end = csr.indptr[index], csr.indptr[index + 1]
        record = Record(
            features={
                "values": _value(
                    kind, csr.data[start:end].tolist(), csr.indices[start:end].tolist(),
                    [csr.shape[1]],
                )
            }
        )  # fmt: skip
        if labels is not None:
            record.label["values"] = _value(label_kind, [labels[index].item()])
        records.append(record)
    return records


def records_to_bytes(records: list[Record]) -> bytes:
    """RecordIO frames of ``records``."""
    import io

    buffer = io.BytesIO()
    for record in records:
        write_recordio(buffer, record.SerializeToString())
    return buffer.getvalue()


def records_from_bytes(data: bytes) -> list[Record]:
    """Decode every record of a RecordIO-protobuf body.

    Raises:
        RecordIOError: not RecordIO-protobuf.
    """
    import io

    return [Record.FromString(payload) for payload in read_recordio(io.BytesIO(data))]


def records_to_matrix(
    records: list[Record], source: str = "the data"
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
    """Feature rows (``features["values"]``, dense or sparse; missing sparse entries are 0,
    as SageMaker's algorithms read them) and labels (``label["values"]``, when every record
    has one).

    Raises:
        RecordIOError: a record without ``features["values"]``, or rows of different widths.
    """
    rows: list[npt.NDArray[np.float64]] = []
    labels: list[float] = []
    for number, record in enumerate(records, 1):
        value = record.features.get("values")
        if value is None or value.kind not in _KINDS:
            raise RecordIOError(
                f"Record {number} of {source} has no numeric features['values'] tensor: "
                "write it with write_numpy_to_dense_tensor or write_spmatrix_to_sparse_tensor."
            )
        tensor = value.tensor()
        if tensor.keys:
            width = tensor.shape[-1] if tensor.shape else max(tensor.keys) + 1
            row = np.zeros(width)
            row[np.asarray(tensor.keys, dtype=np.int64)] = tensor.values
        else:
            row = np.asarray(tensor.values, dtype=np.float64)
        rows.append(row)
        label = record.label.get("values")
        if label is not None and label.tensor().values:
            labels.append(float(label.tensor().values[0]))
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        raise RecordIOError(
            f"The records of {source} have different numbers of features ({sorted(widths)})."
        )
    matrix = np.vstack(rows) if rows else np.empty((0, 0))
    return matrix, (np.asarray(labels) if rows and len(labels) == len(rows) else None)
