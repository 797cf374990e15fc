"""Reading the data channels of a job (CSV, Parquet, libsvm, RecordIO-protobuf) into feature
frames and labels.

Formats follow SageMaker's built-ins:

* headerless CSV with the label in the first column (the default when no ``target``
  hyperparameter is given); features are named ``f0``, ``f1`` ... like XGBoost does;
* CSV with a header plus the ``target`` hyperparameter naming the label column;
* Parquet (label = ``target`` or the first column);
* libsvm (only for algorithms that accept it);
* RecordIO-protobuf (``application/x-recordio-protobuf``): dense or sparse
  ``features["values"]`` tensors with the label in ``label["values"]``, as
  ``sagemaker.amazon.common.write_numpy_to_dense_tensor`` writes them.

Content types take SageMaker's spellings: ``csv``, ``text/csv`` (with ``label_size=1`` at
most), ``libsvm``, ``text/libsvm``, ``text/x-libsvm``, ``parquet``, ``application/x-parquet``,
``recordio-protobuf``, ``application/x-recordio-protobuf``.

The format comes from the channel's ``ContentType``, else from file extensions, else from
sniffing the first line. A channel folder may hold several files; they are concatenated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sabio.algorithms._errors import DataError
from sabio.algorithms._libsvm import parse_libsvm
from sabio.algorithms._recordio import RecordIOError, records_from_bytes, records_to_matrix
from sabio.exceptions import did_you_mean

__all__ = ["ChannelData", "detect_format", "list_files", "load_channel"]

_CONTENT_TYPES = {
    "csv": "csv",
    "text/csv": "csv",
    "text/x-csv": "csv",
    "application/csv": "csv",
    "application/x-parquet": "parquet",
    "application/parquet": "parquet",
    "application/vnd.apache.parquet": "parquet",
    "parquet": "parquet",
    "libsvm": "libsvm",
    "text/libsvm": "libsvm",
    "text/x-libsvm": "libsvm",
    "recordio-protobuf": "recordio",
    "application/x-recordio-protobuf": "recordio",
}
_EXTENSIONS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".libsvm": "libsvm",
    ".svm": "libsvm",
    ".rec": "recordio",
    ".recordio": "recordio",
    ".pbr": "recordio",
}


@dataclass
class ChannelData:
    """One channel's rows.

    Attributes:
        name: channel name (``train``, ``validation``, ``test``).
        features: raw feature columns, in file order.
        label: raw label values, aligned with ``features``.
        fmt: ``csv``, ``csv_header``, ``parquet`` or ``libsvm``.
        label_name: name of the label column (``label`` for headerless formats).
    """

    name: str
    features: pd.DataFrame
    label: pd.Series
    fmt: str
    label_name: str


def list_files(folder: Path) -> list[Path]:
    """Data files of a channel folder, recursively and sorted; hidden/marker files skipped."""
    if not folder.exists():
        return []
    if folder.is_file():
        return [folder]
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
        and not path.name.endswith((".crc", ".manifest"))
    )


def detect_format(files: list[Path], content_type: str | None, channel: str) -> str:
    """Choose ``csv``, ``parquet`` or ``libsvm`` for a channel.

    Raises:
        DataError: for an unsupported declared content type.
    """
    if content_type:
        base, _, params = content_type.partition(";")
        base = base.strip().lower()
        label_size = _parameter(params, "label_size")
        if base == "text/csv" and label_size not in (None, "1"):
            raise DataError(
                f"Channel {channel!r} has content type {content_type!r}: label_size must be 1 "
                "(the label in the first column), as SageMaker's built-ins require."
            )
        if base not in _CONTENT_TYPES:
            raise DataError(
                f"Channel {channel!r} has content type {content_type!r}, which the built-in "
                f"algorithms cannot read: expected one of {', '.join(sorted(_CONTENT_TYPES))}."
            )
        return _CONTENT_TYPES[base]
    for path in files:
        suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz", ".bz2")]
        if suffixes and suffixes[-1] in _EXTENSIONS:
            return _EXTENSIONS[suffixes[-1]]
    return _sniff(files[0])


def _parameter(params: str, name: str) -> str | None:
    """A media-type parameter's value (``label_size=1`` → ``"1"``), or None."""
    for part in params.split(";"):
        key, sep, value = part.partition("=")
        if sep and key.strip().lower() == name:
            return value.strip().strip('"')
    return None


def _sniff(path: Path) -> str:
    head = path.read_bytes()[:4]
    if head == b"PAR1":
        return "parquet"
    if head == b"\x0a\x23\xd7\xce":  # the RecordIO magic number, little-endian
        return "recordio"
    with open(path, encoding="utf-8", errors="replace") as fh:
        first = fh.readline().split()
    if len(first) >= 2 and all(":" in token for token in first[1:]):
        return "libsvm"
    return "csv"


def load_channel(
    name: str,
    folder: Path,
    *,
    content_type: str | None = None,
    target: str | None = None,
    allow_libsvm: bool = False,
) -> ChannelData:
    """Read every file of a channel and split off the label.

    Raises:
        DataError: empty channel, unreadable files, missing label column, text in a
            headerless CSV, a format the algorithm does not accept.
    """
    files = list_files(folder)
    if not files:
        raise DataError(
            f"Channel {name!r} is empty: expected at least one data file under {folder}. "
            "Upload the data (e.g. with Session.upload_data) and pass it as this channel."
        )
    fmt = detect_format(files, content_type, name)
    if fmt == "libsvm":
        if not allow_libsvm:
            raise DataError(
                f"Channel {name!r} holds libsvm data, which only the xgboost built-in reads: "
                "use CSV or Parquet for this algorithm."
            )
        features, label = _read_libsvm(name, files)
        return _finish(ChannelData(name, features, label, "libsvm", "label"))
    if fmt == "recordio":
        features, label = _read_recordio(name, files)
        return _finish(ChannelData(name, features, label, "recordio", "label"))
    if fmt == "parquet":
        frame = _concat(name, [pd.read_parquet(path) for path in files])
        return _finish(_split_label(name, frame, target, "parquet"))
    if target:
        frame = _concat(name, [_read_csv(path, name, header=True) for path in files])
        if len(frame) == 0:
            raise DataError(_no_rows(name, files, header=True))
        return _finish(_split_label(name, frame, target, "csv_header"))
    frame = _concat(name, [_read_csv(path, name, header=False) for path in files])
    if frame.shape[1] == 0:
        raise DataError(_no_rows(name, files))
    _check_numeric(name, frame)
    frame.columns = ["label"] + [f"f{i}" for i in range(frame.shape[1] - 1)]
    return _finish(_split_label(name, frame, "label", "csv"))


def _read_csv(path: Path, channel: str, *, header: bool) -> pd.DataFrame:
    try:
        return pd.read_csv(path, header=0 if header else None, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"Channel {channel!r}: cannot read {path.name} as CSV: {exc}") from None


def _concat(channel: str, frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [frame for frame in frames if frame.shape[1] > 0]
    if not frames:
        return pd.DataFrame()
    first = list(frames[0].columns)
    for frame in frames[1:]:
        if list(frame.columns) != first:
            raise DataError(
                f"Channel {channel!r}: its files have different columns ({first} vs "
                f"{list(frame.columns)}); every file of a channel needs the same columns."
            )
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _check_numeric(channel: str, frame: pd.DataFrame) -> None:
    """Headerless CSV must be all numbers: a text cell is a header or a typo."""
    for position, column in enumerate(frame.columns):
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            continue
        parsed = pd.to_numeric(values, errors="coerce")
        bad = parsed.isna() & values.notna()
        if not bad.any():
            continue
        row = int(np.flatnonzero(bad.to_numpy())[0])
        if row == 0:
            head = ", ".join(str(v) for v in frame.iloc[0].tolist()[:6])
            raise DataError(
                f"Channel {channel!r}: the first row ({head}, ...) looks like a header, but "
                "without a 'target' hyperparameter the CSV must be headerless with the label in "
                "the first column (SageMaker's format). Set hyperparameter target=<label column> "
                "to use the header, or remove it."
            )
        raise DataError(
            f"Channel {channel!r}: non-numeric value {values.iloc[row]!r} at row {row + 1}, "
            f"column {position + 1} of a headerless CSV; expected numbers only. To use text "
            "(categorical) columns, add a header and set the 'target' hyperparameter."
        )


def _split_label(channel: str, frame: pd.DataFrame, target: str | None, fmt: str) -> ChannelData:
    if frame.shape[1] == 0 or len(frame) == 0:
        raise DataError(f"Channel {channel!r} has no data rows.")
    frame.columns = [str(column) for column in frame.columns]
    label_name = target if target else str(frame.columns[0])
    if label_name not in frame.columns:
        raise DataError(
            f"Channel {channel!r} has no label column {label_name!r} (hyperparameter "
            f"'target').{did_you_mean(label_name, frame.columns)} Columns found: "
            f"{', '.join(frame.columns[:20])}."
        )
    features = frame.drop(columns=[label_name])
    if features.shape[1] == 0:
        raise DataError(f"Channel {channel!r} has a label column but no feature columns.")
    return ChannelData(channel, features, frame[label_name], fmt, label_name)


def _read_libsvm(channel: str, files: list[Path]) -> tuple[pd.DataFrame, pd.Series]:
    parts = [
        parse_libsvm(
            path.read_text(encoding="utf-8"),
            source=f"Channel {channel!r} file {path.name}",
            require_label=True,
        )
        for path in files
    ]
    width = max(matrix.shape[1] for matrix, _ in parts)
    matrices = [
        np.pad(m, ((0, 0), (0, width - m.shape[1])), constant_values=np.nan) for m, _ in parts
    ]
    matrix = np.vstack(matrices) if matrices else np.empty((0, 0))
    labels = np.concatenate([labels for _, labels in parts if labels is not None])
    if matrix.shape[0] == 0:
        raise DataError(f"Channel {channel!r} has no data rows.")
    features = pd.DataFrame(matrix, columns=[f"f{i}" for i in range(width)])
    return features, pd.Series(labels, name="label")


def _read_recordio(channel: str, files: list[Path]) -> tuple[pd.DataFrame, pd.Series]:
    records = []
    for path in files:
        try:
            records += records_from_bytes(path.read_bytes())
        except RecordIOError as exc:
            raise DataError(
                f"Channel {channel!r}: {path.name} is not RecordIO-protobuf "
                f"(application/x-recordio-protobuf): {exc}"
            ) from None
    try:
        matrix, labels = records_to_matrix(records, f"channel {channel!r}")
    except RecordIOError as exc:
        raise DataError(f"Channel {channel!r}: {exc}") from None
    if matrix.shape[0] == 0:
        raise DataError(f"Channel {channel!r} has no data rows.")
    if labels is None:
        raise DataError(
            f"Channel {channel!r}: its RecordIO-protobuf records have no label['values']: pass "
            "the labels to write_numpy_to_dense_tensor(file, array, labels)."
        )
    features = pd.DataFrame(matrix, columns=[f"f{i}" for i in range(matrix.shape[1])])
    return features, pd.Series(labels, name="label")


def _no_rows(channel: str, files: list[Path], *, header: bool = False) -> str:
    names = ", ".join(path.name for path in files[:5]) + (", ..." if len(files) > 5 else "")
    expected = (
        "a header line, then one row per example"
        if header
        else "one row per example, the label first, then the features, no header"
    )
    return (
        f"Channel {channel!r} has no data rows: its CSV file(s) ({names}) are empty"
        f"{' or hold only a header' if header else ''}. Expected {expected}; check that the "
        "right files were uploaded to this channel."
    )


def _check_finite(data: ChannelData) -> None:
    """Infinite values are refused by name (XGBoost would fail with a C++ backtrace); an
    empty cell (NaN) is a missing value and stays."""
    columns = [(str(c), data.features[c]) for c in data.features.columns]
    for column, values in [(data.label_name, data.label), *columns]:
        if not pd.api.types.is_numeric_dtype(values):
            continue
        infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
        if infinite.any():
            row = int(np.flatnonzero(infinite)[0])
            raise DataError(
                f"Channel {data.name!r}: column {column!r} has an infinite value "
                f"({values.iloc[row]}) at row {row + 1} ({int(infinite.sum())} in all). The "
                "built-in algorithms need finite numbers: replace inf with an empty cell "
                "(a missing value) or a finite number."
            )


def _finish(data: ChannelData) -> ChannelData:
    data.features = data.features.reset_index(drop=True)
    data.label = data.label.reset_index(drop=True)
    _check_finite(data)
    return data
