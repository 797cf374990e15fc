"""Parsing inference request bodies into raw feature rows.

``input_fn`` has no access to the model (SageMaker's handler contract), so bodies become a
:class:`Payload` of raw values; matching them to the model's columns happens in ``predict_fn``.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sabio.algorithms._errors import DataError, PayloadError
from sabio.algorithms._libsvm import parse_libsvm
from sabio.algorithms._recordio import CONTENT_TYPE as RECORDIO
from sabio.algorithms._recordio import RecordIOError, records_from_bytes, records_to_matrix

__all__ = ["CONTENT_TYPES", "Payload", "as_payload", "media_type", "parse_payload"]

CONTENT_TYPES = (
    "text/csv",
    "application/json",
    "application/jsonlines",
    "application/x-npy",
    "text/libsvm",
    RECORDIO,
)
# SageMaker's containers also take the short spellings (``content_type="csv"``).
_SYNONYMS = {
    "csv": "text/csv",
    "libsvm": "text/libsvm",
    "json": "application/json",
    "jsonlines": "application/jsonlines",
    "recordio-protobuf": RECORDIO,
    "application/x-jsonlines": "application/jsonlines",
    "application/jsonl": "application/jsonlines",
    "application/x-ndjson": "application/jsonlines",
    "text/x-libsvm": "text/libsvm",
    "application/npy": "application/x-npy",
}


class Payload:
    """Raw rows of a request.

    Attributes:
        frame: one row per instance; column names are feature names when ``named``,
            positions otherwise (built on first use from ``matrix`` when the rows came
            as numbers).
        named: columns carry feature names (JSON objects).
        sparse: libsvm rows, where absent trailing features are missing values.
        matrix: the rows as a 2-D float array when every value parsed as a number (and
            columns are positions), else None; the fast path of numeric requests.
    """

    def __init__(
        self,
        frame: pd.DataFrame | None = None,
        named: bool = False,
        sparse: bool = False,
        *,
        matrix: npt.NDArray[np.float64] | None = None,
    ) -> None:
        if frame is None and matrix is None:
            raise ValueError("A Payload needs a frame or a matrix.")
        self._frame = frame
        self.named = named
        self.sparse = sparse
        self.matrix = matrix

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a frame (see the class attributes)."""
        if self._frame is None:
            self._frame = pd.DataFrame(self.matrix)
        return self._frame

    def __repr__(self) -> str:
        shape = self.matrix.shape if self.matrix is not None else self.frame.shape
        return f"Payload(rows={shape[0]}, columns={shape[1]}, named={self.named})"


def media_type(content_type: str | None) -> str:
    """``"Text/CSV; charset=utf-8"`` → ``"text/csv"`` (with synonyms resolved)."""
    base = (content_type or "").split(";", 1)[0].strip().lower()
    return _SYNONYMS.get(base, base)


def _text(body: bytes | bytearray | str) -> str:
    if isinstance(body, str):
        return body
    try:
        return bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("The request body is not UTF-8 text.") from None


def parse_payload(
    body: bytes | bytearray | str, content_type: str | None, *, allow_libsvm: bool = False
) -> Payload:
    """Turn a request body into a :class:`Payload`.

    Raises:
        PayloadError: unsupported content type, empty or malformed body.
    """
    kind = media_type(content_type)
    supported = [c for c in CONTENT_TYPES if allow_libsvm or c != "text/libsvm"]
    if kind not in supported:
        raise PayloadError(
            f"Unsupported content type {content_type!r}: expected one of {', '.join(supported)}.",
            415,
        )
    if kind == "application/x-npy":
        return _npy(body)
    if kind == RECORDIO:
        return _recordio(body)
    text = _text(body)
    if not text.strip():
        raise PayloadError(f"The request body is empty: expected {kind} rows of feature values.")
    if kind == "text/csv":
        return _csv(text, body if isinstance(body, bytes) else None)
    if kind == "text/libsvm":
        return _libsvm(text)
    if kind == "application/jsonlines":
        lines = [line for line in text.splitlines() if line.strip()]
        return _from_rows([_unwrap(_json(line)) for line in lines])
    return _from_rows(_json_rows(_json(text)))


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"The request body is not valid JSON: {exc}.") from None


def _unwrap(row: Any) -> Any:
    """``{"features": [...]}`` (SageMaker's JSON record form) → the list."""
    if isinstance(row, dict) and set(row) == {"features"}:
        return row["features"]
    return row


def _json_rows(value: Any) -> list[Any]:
    if isinstance(value, dict):
        if "instances" in value:
            value = value["instances"]
        elif "features" in value:
            return [value["features"]]
        else:
            return [value]
    if isinstance(value, list) and value and not isinstance(value[0], list | dict):
        return [value]  # one flat row
    if not isinstance(value, list):
        raise PayloadError(
            'Expected JSON like {"instances": [[...], ...]}, a list of rows, or a list of '
            f"objects, got {type(value).__name__}."
        )
    return [_unwrap(row) for row in value]


def _from_rows(rows: list[Any]) -> Payload:
    if len(rows) == 0:
        raise PayloadError("The request holds no rows: expected at least one instance.")
    if all(isinstance(row, dict) for row in rows):
        return Payload(pd.DataFrame.from_records(rows), named=True)
    if all(isinstance(row, list | tuple | np.ndarray) for row in rows):
        widths = {len(row) for row in rows}
        if len(widths) > 1:
            raise PayloadError(
                f"Rows have different numbers of values ({sorted(widths)}): every row needs "
                "one value per feature."
            )
        # Plain numbers (not bools, whose text "True" a categorical column may expect)
        # go straight to a float matrix.
        if all(type(v) in _NUMBER_TYPES for row in rows for v in row):
            return Payload(matrix=np.asarray(rows, dtype=np.float64).reshape(len(rows), -1))
        return Payload(pd.DataFrame([list(row) for row in rows]))
    raise PayloadError("Every instance must be a list of values or an object {column: value}.")


_NUMBER_TYPES = (int, float)
#: Bodies up to this size are parsed without pandas (its per-call cost dominates them).
_SMALL_CSV = 64 * 1024


def _small_csv(text: str) -> npt.NDArray[np.float64] | None:
    """A short all-numeric CSV as floats, or None when pandas must decide (blank or quoted
    fields, text, ragged rows)."""
    if len(text) > _SMALL_CSV or "_" in text or '"' in text:
        return None  # float() would accept "1_0", which pandas' CSV reader does not
    rows = [line.split(",") for line in text.splitlines() if line.strip()]
    try:
        matrix = np.array(rows, dtype=np.float64)
    except ValueError:
        return None
    return matrix if matrix.ndim == 2 and matrix.size else None


def _csv(text: str, raw: bytes | None = None) -> Payload:
    matrix = _small_csv(text)
    if matrix is not None:
        return Payload(matrix=matrix)
    # Most requests are all numbers: let pandas' C parser infer the types (from the raw bytes
    # when there are some, sparing a re-encode; twice as fast as forcing float64); columns of
    # plain numbers become one float matrix. Anything else (text, booleans) is read again as
    # text for the preprocessing to decide.
    try:
        source = io.BytesIO(raw) if raw is not None else io.StringIO(text)
        inferred = pd.read_csv(source, header=None, skipinitialspace=True)
        if all(dtype.kind in "fiu" for dtype in inferred.dtypes):
            return Payload(matrix=np.ascontiguousarray(inferred.to_numpy(dtype=np.float64)))
    except (ValueError, pd.errors.ParserError):
        pass
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise PayloadError(
            f"Cannot read the CSV body: {exc}. Every row needs one value per feature."
        ) from None
    return Payload(frame)


def _libsvm(text: str) -> Payload:
    try:
        matrix, _ = parse_libsvm(text, source="libsvm request", require_label=False)
    except DataError as exc:
        raise PayloadError(str(exc)) from None
    if matrix.shape[0] == 0:
        raise PayloadError("The request holds no rows: expected at least one libsvm line.")
    return Payload(pd.DataFrame(matrix), sparse=True)


def _recordio(body: bytes | bytearray | str) -> Payload:
    raw = body.encode("latin-1") if isinstance(body, str) else bytes(body)
    try:
        matrix, _ = records_to_matrix(records_from_bytes(raw), "the request")
    except RecordIOError as exc:
        raise PayloadError(f"Cannot read the body as RecordIO-protobuf: {exc}") from None
    if matrix.shape[0] == 0:
        raise PayloadError("The request holds no records: expected at least one instance.")
    return Payload(matrix=matrix)


def _npy(body: bytes | bytearray | str) -> Payload:
    raw = body.encode("latin-1") if isinstance(body, str) else bytes(body)
    try:
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise PayloadError(f"Cannot read the body as a .npy array: {exc}.") from None
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise PayloadError(f"Expected a 1-D or 2-D .npy array, got shape {array.shape}.")
    if array.dtype.kind in "fiu" and array.size:
        return Payload(matrix=np.asarray(array, dtype=np.float64))
    return _from_rows([list(row) for row in array.tolist()])


def as_payload(data: Any) -> Payload:
    """Accept what a custom ``input_fn`` may hand to ``predict_fn`` (frame, array, rows)."""
    if isinstance(data, Payload):
        return data
    if isinstance(data, pd.DataFrame):
        named = not isinstance(data.columns, pd.RangeIndex)
        return Payload(data.reset_index(drop=True), named=named)
    if isinstance(data, np.ndarray):
        array = np.atleast_2d(data)
        if array.ndim == 2 and array.dtype.kind in "fiu" and array.size:
            return Payload(matrix=np.asarray(array, dtype=np.float64))
        return _from_rows([list(row) for row in array.tolist()])
    if isinstance(data, list | dict):
        return _from_rows(_json_rows(data))
    raise PayloadError(f"Cannot predict on a {type(data).__name__}: expected rows of values.")
