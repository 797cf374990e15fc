"""Data checks run before training: each problem is a clear error or a printed warning."""

from __future__ import annotations

import sys

import numpy as np
import numpy.typing as npt
import pandas as pd

from sabio.algorithms._data import ChannelData
from sabio.algorithms._errors import DataError

__all__ = [
    "check_channel",
    "check_class_counts",
    "check_same_columns",
    "count_duplicates",
    "warn",
]


def warn(message: str, warnings: list[str]) -> None:
    """Print a data warning to stderr (the job log) and keep it for the report."""
    print(f"Warning: {message}", file=sys.stderr)
    warnings.append(message)


def check_channel(data: ChannelData) -> None:
    """Reject missing labels and feature columns without any value.

    Raises:
        DataError: naming the channel, the column and the rows involved.
    """
    missing = data.label.isna().to_numpy()
    if missing.any():
        rows = (np.flatnonzero(missing)[:5] + 1).tolist()
        raise DataError(
            f"Channel {data.name!r}: the label column {data.label_name!r} is missing in "
            f"{int(missing.sum())} rows (first rows: {rows}). Remove those rows or fill the label."
        )
    if data.fmt == "libsvm":
        return  # absent libsvm features are legitimately missing
    empty = [str(c) for c in data.features.columns if data.features[c].isna().all()]
    if empty:
        raise DataError(
            f"Channel {data.name!r}: column(s) {empty} have no values at all (every row is "
            "missing). Drop these columns or fill them."
        )


def check_class_counts(codes: npt.NDArray[np.int64], classes: list[str], channel: str) -> None:
    """Every class needs at least two training examples.

    Raises:
        DataError: listing the rare classes and their counts.
    """
    counts = np.bincount(codes, minlength=len(classes))
    rare = {classes[i]: int(counts[i]) for i in np.flatnonzero(counts < 2)}
    if rare:
        raise DataError(
            f"Channel {channel!r}: class(es) {rare} have fewer than 2 examples (counts shown); "
            "a model cannot learn or be evaluated on such a class. Collect more examples, merge "
            "rare classes, or remove those rows."
        )


def check_same_columns(train: ChannelData, other: ChannelData) -> None:
    """Validation/test channels need the training feature columns.

    Raises:
        DataError: naming missing or extra columns.
    """
    if train.fmt == "libsvm" and other.fmt == "libsvm":
        return  # widths may differ; absent features are missing values
    expected = [str(c) for c in train.features.columns]
    got = [str(c) for c in other.features.columns]
    if train.fmt == "csv" and other.fmt == "csv":
        if len(got) != len(expected):
            raise DataError(
                f"Channel {other.name!r} has {len(got) + 1} columns but channel 'train' has "
                f"{len(expected) + 1}: every channel needs the label first, then the same "
                "features in the same order."
            )
        return
    missing = [c for c in expected if c not in got]
    if missing:
        raise DataError(
            f"Channel {other.name!r} lacks feature column(s) {missing[:10]} that channel "
            f"'train' has. Every channel needs the same columns."
        )


def count_duplicates(train: pd.DataFrame, other: pd.DataFrame) -> int:
    """Number of rows of ``other`` whose feature values also occur in ``train``."""
    columns = [c for c in train.columns if c in other.columns]
    if not columns or len(other) == 0:
        return 0
    seen = set(_row_hashes(train[columns]).tolist())
    return int(sum(value in seen for value in _row_hashes(other[columns]).tolist()))


def _row_hashes(frame: pd.DataFrame) -> npt.NDArray[np.uint64]:
    # Normalise dtypes so 1 and 1.0 hash alike across channels read separately.
    normalised = frame.apply(
        lambda col: (
            col.astype(np.float64) if pd.api.types.is_numeric_dtype(col) else col.astype(str)
        )
    )
    hashes: npt.NDArray[np.uint64] = pd.util.hash_pandas_object(normalised, index=False).to_numpy()
    return hashes
