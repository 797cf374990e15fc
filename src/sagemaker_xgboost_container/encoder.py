"""``sagemaker_xgboost_container.encoder``: request bodies as ``xgboost.DMatrix``.

Example:
    >>> from sagemaker_xgboost_container import encoder
    >>> encoder.csv_to_dmatrix("1,2,3\\n4,5,6").num_row()  # doctest: +SKIP
    2
"""

from __future__ import annotations

from typing import Any

from sagemaker_xgboost_container._content import CSV, libsvm_dmatrix, media_type

__all__ = ["csv_to_dmatrix", "decode", "libsvm_to_dmatrix"]


def _text(data: bytes | str) -> str:
    return data.decode("utf-8") if isinstance(data, bytes | bytearray) else str(data)


def csv_to_dmatrix(string_like: bytes | str, dtype: Any = None) -> Any:
    """Rows of CSV features (no label) as a DMatrix; empty fields are missing values."""
    import numpy as np
    import xgboost as xgb

    text = _text(string_like)
    delimiter = ";" if ";" in text.split("\n", 1)[0] and "," not in text else ","
    rows = [
        ["nan" if field.strip() == "" else field for field in line.split(delimiter)]
        for line in text.splitlines()
        if line.strip()
    ]
    array = np.array(rows, dtype=dtype or np.float64)
    return xgb.DMatrix(array)


def libsvm_to_dmatrix(string_like: bytes | str) -> Any:
    """libsvm lines (``label index:value ...``) as a DMatrix."""
    data = string_like if isinstance(string_like, bytes) else str(string_like).encode("utf-8")
    return libsvm_dmatrix(data)


def decode(obj: bytes | str, content_type: str) -> Any:
    """A request body of ``content_type`` (CSV or libsvm) as a DMatrix.

    Raises:
        ValueError: another content type.
    """
    if media_type(content_type) == CSV:
        return csv_to_dmatrix(obj)
    return libsvm_to_dmatrix(obj)
