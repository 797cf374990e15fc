"""Open Inference Protocol v2 (KServe, MLServer, Triton) request and answer bodies."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from sabio.inference import PayloadError

__all__ = ["infer_answer", "model_metadata", "parse_infer"]

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


def _tensor(item: Any) -> np.ndarray:
    if not isinstance(item, dict) or "data" not in item:
        raise PayloadError(
            'Every entry of "inputs" needs "name", "shape", "datatype" and "data", got '
            f"{json.dumps(item)[:200]}."
        )
    datatype = str(item.get("datatype", "FP64")).upper()
    dtype: Any = object if datatype == "BYTES" else None
    try:
        array = np.asarray(item["data"], dtype=dtype)
        if "shape" in item:
            array = array.reshape([int(d) for d in item["shape"]])
    except (ValueError, TypeError) as exc:
        raise PayloadError(
            f"Input {item.get('name')!r}: data does not fit shape {item.get('shape')}: {exc}."
        ) from None
    return array


def parse_infer(body: bytes) -> tuple[Any, str | None]:
    """Turn an infer request into model input: one 2-D tensor → an array, several 1-D
    tensors → a DataFrame with one named column each.

    Returns:
        ``(data, request id)``.

    Raises:
        PayloadError: (400) the body is not a v2 infer request.
    """
    try:
        request = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PayloadError(f"The request body is not valid JSON: {exc}.") from None
    inputs = request.get("inputs") if isinstance(request, dict) else None
    if not isinstance(inputs, list) or not inputs:
        raise PayloadError(
            'An infer request needs {"inputs": [{"name": ..., "shape": [rows, features], '
            '"datatype": "FP64", "data": [...]}]}.'
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
