"""The first, format-level step of decoding a request body, bounded before it allocates.

Every decoder of request bodies (the default handlers, the built-ins' ``input_fn``, Open
Inference Protocol tensors, batch transform through the same handlers) reads JSON and
``.npy`` through these functions, so hostile bodies get a 400 with a message, never a 500
or a large allocation:

- JSON nested deeper than Python's recursion limit, or holding an integer that no float can
  hold (``1e400`` written out) or longer than Python's 4,300-digit limit;
- a ``.npy`` header that declares a shape its bytes do not hold (read with NumPy's public
  header readers, then checked, before any array exists), or an object dtype (pickles).
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import numpy as np
import numpy.lib.format as npy_format

from sabio.exceptions import PayloadError

__all__ = ["MAX_DIMS", "loads_json", "read_npy"]

#: Most dimensions a request array may have.
MAX_DIMS = 32
# Integers longer than this do not fit a float64 (1.8e308): they can only be a mistake or an
# attack, and converting them later raises OverflowError deep inside NumPy.
_MAX_INT_DIGITS = 309


def _int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise PayloadError(
            f"The request holds an integer of {len(text.lstrip('-'))} digits, too large for a "
            "feature value (a float64 holds at most about 1.8e308)."
        )
    return int(text)


def loads_json(text: str | bytes, what: str = "The request body") -> Any:
    """``json.loads`` for request bodies: malformed, too deeply nested or out-of-range JSON
    is a :class:`PayloadError` (400).

    Args:
        text: the JSON text.
        what: what the text is, for messages ("JSON Lines line 3").
    """
    try:
        return json.loads(text, parse_int=_int)
    except PayloadError:
        raise
    except RecursionError:
        raise PayloadError(
            f"{what} is JSON nested too deeply to decode: send rows as a list of lists."
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise PayloadError(f"{what} is not valid JSON: {exc}.") from None


def read_npy(raw: bytes) -> np.ndarray:
    """A ``.npy`` body as an array, its header checked against its size before anything
    is allocated; object arrays (pickles) are refused.

    Raises:
        PayloadError: (400) not a ``.npy`` file, an object dtype, too many dimensions, or a
            shape that does not match the bytes that follow the header.
    """
    stream = io.BytesIO(raw)
    try:
        version = npy_format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(stream)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = npy_format.read_array_header_2_0(stream)
        else:
            raise ValueError(f"unsupported .npy format version {version}")
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise PayloadError(f"Cannot read the body as a .npy array: {exc}.") from None
    if dtype.hasobject:
        raise PayloadError(
            "The .npy body holds Python objects (a pickle), which sabio never loads: send a "
            "numeric array (np.save(..., allow_pickle=False))."
        )
    if len(shape) > MAX_DIMS or any(d < 0 for d in shape):
        raise PayloadError(f"The .npy body declares an impossible shape {shape}.")
    count = math.prod(shape)
    offset = stream.tell()
    held = len(raw) - offset
    if count * dtype.itemsize != held:
        raise PayloadError(
            f"The .npy body declares shape {shape} of {dtype} ({count * dtype.itemsize} "
            f"bytes), but {held} bytes follow its header: the file is truncated or forged."
        )
    flat = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    # A writable copy (bounded by the body's size), as np.load gives.
    return flat.reshape(shape, order="F" if fortran else "C").copy()
