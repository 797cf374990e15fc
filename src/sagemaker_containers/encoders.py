"""``sagemaker_containers.encoders``: NumPy arrays to and from CSV, JSON and NPY.

Example:
    >>> from sagemaker_containers.beta.framework import encoders
    >>> encoders.decode("1,2\\n3,4", "text/csv").tolist()
    [[1, 2], [3, 4]]
    >>> encoders.encode([[1, 2]], "application/json")
    '[[1, 2]]'
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from sagemaker_containers import content_types
from sagemaker_containers.errors import UnsupportedFormatError

__all__ = [
    "array_to_csv",
    "array_to_json",
    "array_to_npy",
    "csv_to_numpy",
    "decode",
    "encode",
    "json_to_numpy",
    "npy_to_numpy",
]


def _text(data: bytes | str) -> str:
    return data.decode("utf-8") if isinstance(data, bytes | bytearray) else str(data)


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def array_to_npy(array_like: Any) -> bytes:
    """The NPY bytes of an array-like."""
    import numpy as np

    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array_like))
    return buffer.getvalue()


def npy_to_numpy(npy_array: bytes) -> Any:
    """An array from NPY bytes (object arrays are refused: no unpickling of requests)."""
    import numpy as np

    return np.load(io.BytesIO(npy_array), allow_pickle=False)


def array_to_json(array_like: Any) -> str:
    """JSON text of an array-like (NumPy arrays and scalars included)."""

    def default(obj: Any) -> Any:
        if hasattr(obj, "tolist"):
            return obj.tolist()
        raise TypeError(f"{type(obj).__name__} is not JSON serializable")

    return json.dumps(array_like, default=default)


def json_to_numpy(string_like: bytes | str, dtype: Any = None) -> Any:
    """An array from JSON text."""
    import numpy as np

    return np.array(json.loads(_text(string_like)), dtype=dtype)


def csv_to_numpy(string_like: bytes | str, dtype: Any = None) -> Any:
    """An array from CSV text (one row a line, no header).

    Raises:
        ClientError: the text is not numeric CSV.
    """
    import numpy as np

    from sagemaker_containers.errors import ClientError

    try:
        return np.genfromtxt(io.StringIO(_text(string_like)), dtype=dtype, delimiter=",")
    except ValueError as exc:
        raise ClientError(f"Error while decoding csv: {exc}") from exc


def array_to_csv(array_like: Any) -> str:
    """CSV text of an array-like (one row a line)."""
    import numpy as np

    stream = io.StringIO()
    np.savetxt(stream, np.atleast_1d(np.asarray(array_like)), delimiter=",", fmt="%s")
    return stream.getvalue()


_DECODERS: dict[str, Callable[[Any], Any]] = {
    content_types.NPY: npy_to_numpy,
    content_types.CSV: csv_to_numpy,
    content_types.JSON: json_to_numpy,
}
_ENCODERS: dict[str, Callable[[Any], Any]] = {
    content_types.NPY: array_to_npy,
    content_types.CSV: array_to_csv,
    content_types.JSON: array_to_json,
}


def decode(obj: bytes | str, content_type: str) -> Any:
    """Decode a request body of ``content_type`` into a NumPy array.

    Raises:
        UnsupportedFormatError: not JSON, CSV or NPY.
    """
    decoder = _DECODERS.get(_media(content_type))
    if decoder is None:
        raise UnsupportedFormatError(content_type)
    return decoder(obj)


def encode(array_like: Any, content_type: str) -> Any:
    """Encode an array-like as ``content_type`` (JSON, CSV or NPY).

    Raises:
        UnsupportedFormatError: not JSON, CSV or NPY.
    """
    encoder = _ENCODERS.get(_media(content_type))
    if encoder is None:
        raise UnsupportedFormatError(content_type)
    return encoder(array_like)
