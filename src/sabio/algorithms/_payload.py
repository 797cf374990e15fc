"""Parsing inference request bodies into raw feature rows.

``input_fn`` has no access to the model (SageMaker's handler contract), so bodies become a
:class:`Payload` of raw values; matching them to the model's columns happens in ``predict_fn``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sabio.algorithms._bodies import loads_json, read_npy
from sabio.algorithms._errors import DataError, PayloadError
from sabio.algorithms._libsvm import SparseRow, densify, read_libsvm, width_of
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
        rows: libsvm rows as ``(indices, values)``, kept sparse until the model's width is
            known (:meth:`dense`): a huge index costs nothing until it is refused.
        width: the number of columns, known before the frame is built (lazy frames of
            text rows), else None. pandas spends seconds per 10,000 columns, so a model
            checks ``width`` first and a request of the wrong width never builds a frame.
        records: JSON object rows, kept as they came until the model says which keys it
            reads (:meth:`select`).
    """

    def __init__(
        self,
        frame: pd.DataFrame | None = None,
        named: bool = False,
        sparse: bool = False,
        *,
        matrix: npt.NDArray[np.float64] | None = None,
        rows: list[SparseRow] | None = None,
        build: Callable[[], pd.DataFrame] | None = None,
        width: int | None = None,
        records: list[dict[str, Any]] | None = None,
    ) -> None:
        if all(part is None for part in (frame, matrix, rows, build, records)):
            raise ValueError("A Payload needs a frame, a matrix, rows or records.")
        self._frame = frame
        self.named = named or records is not None
        self.sparse = sparse or rows is not None
        self.matrix = matrix
        self.rows = rows
        self.width = width
        self.records = records
        self._build = build

    def keys(self) -> list[str]:
        """The column names of a named payload, in first-seen order (without building its
        frame)."""
        if self.records is not None:
            return list(dict.fromkeys(str(k) for row in self.records for k in row))
        return [str(c) for c in self.frame.columns]

    def select(self, columns: list[str]) -> pd.DataFrame:
        """A named payload's frame with only ``columns``, in that order (NaN where a row
        leaves one out); keys the model does not read are never made into columns."""
        if self.records is not None:
            return pd.DataFrame.from_records(self.records, columns=columns)
        return self.frame[columns]

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a frame (see the class attributes); sparse rows become as wide as
        their largest index, within :data:`MAX_REQUEST_CELLS` values."""
        if self._frame is None:
            if self.rows is not None:
                return self.dense(width_of(self.rows))
            if self.records is not None:
                self._frame = pd.DataFrame.from_records(self.records)
            elif self._build is not None:
                self._frame = self._build()
            else:
                self._frame = pd.DataFrame(self.matrix)
        return self._frame

    def dense(self, width: int) -> pd.DataFrame:
        """Sparse (libsvm) rows as a frame of ``width`` columns, NaN where absent.

        Raises:
            PayloadError: an index is ``>= width``, or the frame would exceed
                :data:`MAX_REQUEST_CELLS` values (both checked before allocating).
        """
        if self.rows is None:
            frame = self.frame
            return frame.iloc[:, :width].reindex(columns=range(width))
        try:
            matrix = densify(self.rows, width, source="libsvm request", max_cells=MAX_REQUEST_CELLS)
        except DataError as exc:
            raise PayloadError(str(exc)) from None
        return pd.DataFrame(matrix)

    def __repr__(self) -> str:
        if self.rows is not None:
            shape: tuple[int, ...] = (len(self.rows), width_of(self.rows))
        elif self.records is not None:
            shape = (len(self.records), len(self.keys()))
        elif self.width is not None and self._frame is None:
            shape = (-1, self.width)
        else:
            shape = self.matrix.shape if self.matrix is not None else self.frame.shape
        return f"Payload(rows={shape[0]}, columns={shape[1]}, named={self.named})"


#: Largest request matrix (rows × columns) built from sparse rows: 2**24 values (128 MiB).
MAX_REQUEST_CELLS = 1 << 24


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
        return _from_rows(
            [_unwrap(_json(line, f"JSON Lines line {i}")) for i, line in enumerate(lines, 1)]
        )
    return _from_rows(_json_rows(_json(text)))


def _json(text: str, what: str = "The request body") -> Any:
    return loads_json(text, what)


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
        _check_named(rows)
        return Payload(records=rows)
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
        return Payload(build=lambda: pd.DataFrame([list(row) for row in rows]), width=widths.pop())
    raise PayloadError("Every instance must be a list of values or an object {column: value}.")


def _check_named(rows: list[dict[str, Any]]) -> None:
    """Refuse object rows whose frame would be far larger than what they hold: a frame has
    one cell per row and distinct key, so rows that each name a new key (a 250 KB body of
    20,000 ``{"k<i>": 1}`` lines) would cost gigabytes (checked before building it)."""
    keys: set[str] = set()
    values = 0
    for row in rows:
        keys.update(row)
        values += len(row)
    cells = len(rows) * len(keys)
    if cells > 8 * values + 65_536:
        raise PayloadError(
            f"The {len(rows)} JSON object rows name {len(keys)} different keys between them "
            f"but hold only {values} values: every row should carry the model's features "
            "under the same keys."
        )


_NUMBER_TYPES = (int, float)
#: Bodies up to this size are parsed without pandas (its per-call cost dominates them).
_SMALL_CSV = 64 * 1024
#: Rows at least this wide are parsed without pandas at any size (pandas builds one column
#: object per field: 200,000 columns took it 18 s).
_WIDE_CSV = 1000


def _ragged(widths: list[int]) -> PayloadError | None:
    """The error for CSV rows of different widths (1-based row numbers), or None."""
    expected = widths[0] if widths else 0
    for number, width in enumerate(widths, start=1):
        if width != expected:
            return PayloadError(
                f"CSV row {number} has {width} values, expected {expected} (as in row 1): "
                "every row needs one value per feature (leave a field empty for a missing "
                "value, e.g. '1,,3')."
            )
    return None


def _numeric_csv(text: str) -> npt.NDArray[np.float64] | None:
    """An all-numeric CSV without quotes as floats, or None when pandas must decide (quoted
    fields, text).

    Raises:
        PayloadError: rows of different widths.
    """
    if "_" in text or '"' in text:
        return None  # float() would accept "1_0", which pandas' CSV reader does not
    rows = [line.split(",") for line in text.splitlines() if line.strip()]
    error = _ragged([len(row) for row in rows])
    if error is not None:
        raise error
    try:
        matrix = np.array(rows, dtype=np.float64)
    except ValueError:
        return None
    return matrix if matrix.ndim == 2 and matrix.size else None


def _check_widths(text: str) -> None:
    """Refuse rows shorter than the first (pandas pads them with missing values)."""
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    error = _ragged([len(row) for row in reader if row and any(c.strip() for c in row)])
    if error is not None:
        raise error


def _csv(text: str, raw: bytes | None = None) -> Payload:
    first = text.lstrip().split("\n", 1)[0]
    if len(text) <= _SMALL_CSV or first.count(",") + 1 >= _WIDE_CSV:
        matrix = _numeric_csv(text)
        if matrix is not None:
            return Payload(matrix=matrix)
    if first.count(",") + 1 >= _WIDE_CSV:
        # Wide text rows: count the fields (csv's C reader, quotes respected), let the model
        # check the width, and only then have pandas build the frame.
        reader = csv.reader(io.StringIO(text), skipinitialspace=True)
        widths = [len(row) for row in reader if row and any(c.strip() for c in row)]
        error = _ragged(widths)
        if error is not None:
            raise error
        return Payload(build=lambda: _text_frame(text), width=widths[0] if widths else 0)
    # Most requests are all numbers: let pandas' C parser infer the types (from the raw bytes
    # when there are some, sparing a re-encode; twice as fast as forcing float64); columns of
    # plain numbers become one float matrix. Anything else (text, booleans) is read again as
    # text for the preprocessing to decide.
    try:
        source = io.BytesIO(raw) if raw is not None else io.StringIO(text)
        inferred = pd.read_csv(source, header=None, skipinitialspace=True)
        if all(dtype.kind in "fiu" for dtype in inferred.dtypes):
            if inferred.isna().to_numpy().any():
                _check_widths(text)
            return Payload(matrix=np.ascontiguousarray(inferred.to_numpy(dtype=np.float64)))
    except (ValueError, pd.errors.ParserError) as exc:
        if isinstance(exc, PayloadError):
            raise
    frame = _text_frame(text)
    if frame.isna().to_numpy().any():
        _check_widths(text)
    return Payload(frame)


def _text_frame(text: str) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), header=None, dtype=str, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise PayloadError(
            f"Cannot read the CSV body: {exc}. Every row needs one value per feature."
        ) from None


def _libsvm(text: str) -> Payload:
    try:
        rows, _, _ = read_libsvm(text, source="libsvm request", require_label=False)
    except DataError as exc:
        raise PayloadError(str(exc)) from None
    if not rows:
        raise PayloadError("The request holds no rows: expected at least one libsvm line.")
    return Payload(rows=rows)


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
    array = read_npy(raw)
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
