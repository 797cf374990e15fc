"""Content types the XGBoost container reads, and their spellings."""

from __future__ import annotations

import io
from typing import Any

__all__ = ["CSV", "LIBSVM", "libsvm_dmatrix", "media_type"]

CSV = "text/csv"
LIBSVM = "text/libsvm"
_SPELLINGS = {
    "csv": CSV,
    "text/csv": CSV,
    "libsvm": LIBSVM,
    "text/libsvm": LIBSVM,
    "text/x-libsvm": LIBSVM,
}


def media_type(content_type: str | None) -> str:
    """The container's name for ``content_type`` (``csv`` → ``text/csv``; default libsvm).

    Raises:
        ValueError: a type the container does not read.
    """
    if not content_type:
        return LIBSVM
    base = content_type.split(";", 1)[0].strip().lower()
    try:
        return _SPELLINGS[base]
    except KeyError:
        raise ValueError(
            f"Content type {content_type} is not supported here: use text/csv or text/libsvm "
            "(RecordIO-protobuf and Parquet are not supported by sabio's stand-in)."
        ) from None


def libsvm_dmatrix(data: bytes) -> Any:
    """libsvm lines (``label index:value ...``, indices as given) as a DMatrix.

    Parsed with scikit-learn's svmlight reader: XGBoost 3.1 deprecated its text-file input.
    """
    import xgboost as xgb
    from sklearn.datasets import load_svmlight_file

    features, labels = load_svmlight_file(io.BytesIO(data), zero_based=True)
    return xgb.DMatrix(features, label=labels)
