"""Open Inference Protocol v2 (KServe, MLServer, Triton) request and answer bodies."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from sabio.algorithms._bodies import MAX_DIMS, loads_json
from sabio.inference import PayloadError

__all__ = ["infer_answer", "model_metadata", "parse_infer"]

#: Most tensors in one infer request (each becomes a column).
MAX_INPUTS = 4096

_DATATYPES = {
    "b": "BOOL",
    "i1": "INT8",
    "i2": "INT16",
    "i4": "INT32",
    "i8": "INT64",
    "u1": "UINT8",
    "u2": "UINT16",
    "u4": "UINT32",
    "u8": "UINT64",
    "f2": "FP16",
    "f4": "FP32",
    "f8": "FP64",
}


def model_metadata(name: str, source: str) -> dict[str, Any]:
    """``GET /v2/models/<name>``."""
    return {
        "name": name,
        "versions": ["1"],
        "platform": f"sabio ({source})",
        "inputs": [{"name": "input-0", "datatype": "FP64", "shape": [-1, -1]}],
        "outputs": [{"name": "output-0", "datatype": "FP64", "shape": [-1]}],
    }


def _shape(item: dict[str, Any]) -> list[int] | None:
    shape = item.get("shape")
    if shape is None:
        return None
    if (
        not isinstance(shape, list)
        or len(shape) > MAX_DIMS
        or not all(type(d) is int and d >= -1 for d in shape)
        or shape.count(-1) > 1
    ):
        raise PayloadError(
            f"Input {item.get('name')!r}: shape must be a list of at most {MAX_DIMS} "
            f"non-negative integers (one may be -1), got {json.dumps(shape)[:200]}."
        )
    return shape


def _tensor(item: Any) -> np.ndarray:
    if not isinstance(item, dict) or "data" not in item:
        raise PayloadError(
            'Every entry of "inputs" needs "name", "shape", "datatype" and "data", got '
            f"{json.dumps(item)[:200]}."
        )
    datatype = str(item.get("datatype", "FP64")).upper()
    dtype: Any = object if datatype == "BYTES" else None
    shape = _shape(item)
    try:
        # The data is already in memory as JSON (bounded by max_payload): this array is
        # about its size; the declared shape is checked against it, never allocated from.
        array = np.asarray(item["data"], dtype=dtype)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise PayloadError(
            f"Input {item.get('name')!r}: data is not a rectangular array of {datatype} "
            f"values: {exc}."
        ) from None
    if shape is not None:
        known = math.prod(d for d in shape if d != -1)
        free = -1 in shape  # one dimension left for NumPy to infer
        fits = (known > 0 and array.size % known == 0) if free else array.size == known
        if not fits:
            raise PayloadError(
                f"Input {item.get('name')!r}: data holds {array.size} values, which do not fit "
                f"shape {shape}."
            )
        array = array.reshape(shape)
    return array


def parse_infer(body: bytes) -> tuple[Any, str | None]:
    """Turn an infer request into model input: one 2-D tensor → an array, several 1-D
    tensors → a DataFrame with one named column each.

    Returns:
        ``(data, request id)``.

    Raises:
        PayloadError: (400) the body is not a v2 infer request.
    """
    request = loads_json(body)
    inputs = request.get("inputs") if isinstance(request, dict) else None
    if not isinstance(inputs, list) or not inputs:
        raise PayloadError(
            'An infer request needs {"inputs": [{"name": ..., "shape": [rows, features], '
            '"datatype": "FP64", "data": [...]}]}.'
        )
    if len(inputs) > MAX_INPUTS:
        # One column each: pandas spends seconds per 10,000 columns.
        raise PayloadError(
            f"The infer request has {len(inputs)} inputs; at most {MAX_INPUTS} named 1-D "
            "inputs are accepted. Send the features as one 2-D tensor [rows, features]."
        )
    request_id = request.get("id")
    tensors = [_tensor(item) for item in inputs]
    if len(tensors) == 1:
        array = tensors[0]
        return (array if array.ndim == 2 else np.atleast_2d(array)), request_id
    import pandas as pd

    columns = {
        str(item.get("name", i)): t.reshape(-1)
        for i, (item, t) in enumerate(zip(inputs, tensors, strict=True))
    }
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise PayloadError(f"Inputs have different numbers of rows ({sorted(lengths)}).")
    return pd.DataFrame(columns), request_id


def infer_answer(name: str, request_id: str | None, prediction: Any) -> bytes:
    """The infer answer for a prediction (a built-in's scores, an array or a list)."""
    scores = getattr(prediction, "scores", prediction)
    array = np.asarray(scores)
    datatype = "BYTES" if array.dtype.kind in "OUS" else _DATATYPES.get(array.dtype.str[1:], "FP64")
    answer: dict[str, Any] = {
        "model_name": name,
        "model_version": "1",
        "outputs": [
            {
                "name": "output-0",
                "shape": list(array.shape),
                "datatype": datatype,
                "data": array.reshape(-1).tolist(),
            }
        ],
    }
    if request_id is not None:
        answer["id"] = request_id
    return json.dumps(answer).encode()
