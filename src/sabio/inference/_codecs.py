"""Default (de)serialisation of user models, as SageMaker's inference toolkit does it.

``decode`` turns a request body into a NumPy array (CSV, JSON, JSON Lines, NPY);
``encode`` turns a prediction (array, list, dict, scalar, DataFrame) into the ``Accept``
type. Both raise :class:`PayloadError` with the status code a server answers with.
"""

from __future__ import annotations

import functools
import io
import json
from typing import Any

import numpy as np

from sabio.algorithms._bodies import loads_json, read_npy
from sabio.inference._errors import PayloadError

__all__ = [
    "ACCEPT_TYPES",
    "CONTENT_TYPES",
    "choose_accept",
    "decode",
    "encode",
    "media_type",
    "to_jsonable",
]

CONTENT_TYPES = ("text/csv", "application/json", "application/jsonlines", "application/x-npy")
ACCEPT_TYPES = CONTENT_TYPES
DEFAULT_ACCEPT = "application/json"
_SYNONYMS = {
    "application/x-jsonlines": "application/jsonlines",
    "application/jsonl": "application/jsonlines",
    "application/x-ndjson": "application/jsonlines",
    "application/npy": "application/x-npy",
    "text/x-libsvm": "text/libsvm",
}


@functools.lru_cache(maxsize=256)
def media_type(content_type: str | None) -> str:
    """``"Text/CSV; charset=utf-8"`` → ``"text/csv"`` (synonyms resolved)."""
    base = (content_type or "").split(";", 1)[0].strip().lower()
    return _SYNONYMS.get(base, base)


@functools.lru_cache(maxsize=256)
def choose_accept(accept: str | None, supported: tuple[str, ...] = ACCEPT_TYPES) -> str:
    """Pick the answer type for an ``Accept`` header (``*/*`` or none → JSON).

    Raises:
        PayloadError: (406) none of the listed types is supported.
    """
    for part in (accept or "").split(","):
        kind = media_type(part)
        if kind in ("", "*/*", "application/*"):
            return DEFAULT_ACCEPT if DEFAULT_ACCEPT in supported else supported[0]
        if kind == "text/*" and "text/csv" in supported:
            return "text/csv"
        if kind in supported:
            return kind
    raise PayloadError(
        f"Unsupported Accept type {accept!r}: expected one of {', '.join(supported)}.", 406
    )


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("The request body is not UTF-8 text.") from None


def _csv(text: str) -> np.ndarray:
    line = text.strip()
    if "\n" not in line and "\r" not in line:  # one row: the common real-time request
        try:
            # NumPy parses each text with float() itself, without a list of floats between.
            return np.array([line.split(",")], dtype=np.float64)
        except ValueError:
            pass  # the general path below says which value is wrong
    rows = [line for line in text.splitlines() if line.strip()]
    values: list[list[float]] = []
    expected = 0
    for number, line in enumerate(rows, start=1):
        try:
            row = [float(cell) for cell in line.split(",")]
        except ValueError:
            raise PayloadError(
                f"CSV row {number} holds a value that is not a number ({line[:80]!r}): the "
                "default input_fn reads numeric CSV. Send numbers, or define input_fn in "
                "inference.py."
            ) from None
        expected = expected or len(row)
        if len(row) != expected:
            raise PayloadError(
                f"CSV row {number} has {len(row)} values, expected {expected} (as in row 1): "
                "every row needs one value per feature."
            )
        values.append(row)
    return np.asarray(values, dtype=np.float64)


def _array(value: Any) -> np.ndarray:
    if isinstance(value, dict):
        for key in ("instances", "inputs", "features"):
            if key in value:
                value = value[key]
                break
        else:
            raise PayloadError(
                'Expected JSON like {"instances": [[...], ...]} or a list of rows, got an '
                f"object with keys {sorted(value)[:10]}."
            )
    try:
        array = np.asarray(value)
    except (ValueError, OverflowError, RecursionError):
        raise PayloadError(
            "Rows have different numbers of values: every row needs one value per feature."
        ) from None
    if array.dtype == object:
        raise PayloadError(
            "Rows have different numbers of values or mixed types: every row needs one "
            "value per feature."
        )
    return array


def _json(text: str, what: str = "The request body") -> Any:
    return loads_json(text, what)


def decode(body: bytes, content_type: str | None) -> np.ndarray:
    """Parse a request body into an array (SageMaker's default ``input_fn``).

    Raises:
        PayloadError: 415 for an unsupported content type, 400 for an empty or malformed body.
    """
    kind = media_type(content_type)
    if kind not in CONTENT_TYPES:
        raise PayloadError(
            f"Unsupported content type {content_type!r}: expected one of "
            f"{', '.join(CONTENT_TYPES)}.",
            415,
        )
    if kind == "application/x-npy":
        return read_npy(body)
    text = _text(body)
    if not text.strip():
        raise PayloadError(f"The request body is empty: expected {kind} rows of feature values.")
    if kind == "text/csv":
        return _csv(text)
    if kind == "application/jsonlines":
        lines = [line for line in text.splitlines() if line.strip()]
        return _array([_json(line, f"JSON Lines line {i}") for i, line in enumerate(lines, 1)])
    return _array(_json(text))


def to_jsonable(value: Any) -> Any:
    """Turn arrays, frames and NumPy scalars into JSON-serialisable values."""
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a DataFrame
        return value.to_dict(orient="records")
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def _csv_line(row: Any) -> str:
    if isinstance(row, list | tuple):
        return ",".join(str(v) for v in row)
    return str(row)


def encode(prediction: Any, accept: str | None) -> tuple[bytes, str]:
    """Serialise a prediction for the ``Accept`` type (SageMaker's default ``output_fn``).

    Raises:
        PayloadError: (406) the accept type is not supported.
    """
    kind = choose_accept(accept)
    if kind == "application/x-npy":
        buffer = io.BytesIO()
        try:
            np.save(buffer, np.asarray(prediction), allow_pickle=False)
        except ValueError as exc:
            raise PayloadError(f"The prediction cannot be written as .npy: {exc}.", 406) from None
        return buffer.getvalue(), kind
    if type(prediction) is np.ndarray:
        value = prediction.tolist()
        if kind == "application/json" and prediction.ndim == 1 and prediction.dtype.kind == "f":
            # What json.dumps writes for a list of finite floats (their repr), at a third of
            # its cost; "n" is in the repr of nan and inf only, which JSON spells otherwise.
            text = f"[{', '.join(map(repr, value))}]"
            if "n" not in text:
                return text.encode(), kind
    else:
        value = to_jsonable(prediction)
    if kind == "application/json":
        return json.dumps(value).encode(), kind
    rows = value if isinstance(value, list) else [value]
    if kind == "application/jsonlines":
        return "\n".join(json.dumps(row) for row in rows).encode(), kind
    return "\n".join(_csv_line(row) for row in rows).encode(), kind
