"""A small parser for the libsvm text format (``label index:value index:value ...``).

Indices are used as given (0- or 1-based files both work, as in XGBoost); features that a row
does not list are *missing* (NaN), which is how XGBoost treats sparse libsvm input.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sabio.algorithms._errors import DataError

__all__ = ["MAX_DENSE_CELLS", "SparseRow", "densify", "parse_libsvm", "read_libsvm", "width_of"]


#: Largest dense matrix (rows × width) a libsvm file may become: 2**28 values (2 GiB).
MAX_DENSE_CELLS = 1 << 28

#: One libsvm row: its feature indices and their values.
SparseRow = tuple[list[int], list[float]]


def read_libsvm(
    text: str, *, source: str, require_label: bool
) -> tuple[list[SparseRow], list[float], bool]:
    """Parse libsvm text into sparse rows, without allocating anything by feature index.

    Returns:
        ``(rows, labels, has_label)``: labels are NaN for lines without one.

    Raises:
        DataError: for malformed lines, naming the line number.
    """
    labels: list[float] = []
    rows: list[SparseRow] = []
    has_label = False
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        tokens = content.split()
        if ":" not in tokens[0]:
            has_label = True
            labels.append(_number(tokens[0], source, number, "label"))
            tokens = tokens[1:]
        elif require_label:
            raise DataError(
                f"{source}, line {number}: expected a label before the 'index:value' pairs, "
                f"got {line.strip()[:60]!r}."
            )
        else:
            labels.append(float("nan"))
        indices: list[int] = []
        values: list[float] = []
        for token in tokens:
            key, sep, value = token.partition(":")
            if key == "qid":
                continue
            if not sep or not key.isdigit() or not key.isascii():
                raise DataError(
                    f"{source}, line {number}: expected 'index:value' with a non-negative "
                    f"integer index, got {token[:60]!r}."
                )
            if len(key) > 18:  # beyond any int64 index; int() of it would be slow too
                raise DataError(
                    f"{source}, line {number}: feature index {key[:30]}... is too large."
                )
            indices.append(int(key))
            values.append(_number(value, source, number, f"feature {key}"))
        rows.append((indices, values))
    return rows, labels, has_label


def width_of(rows: list[SparseRow]) -> int:
    """The largest feature index of the rows + 1 (0 for no features)."""
    return max((max(idx) + 1 for idx, _ in rows if idx), default=0)


def densify(
    rows: list[SparseRow], width: int, *, source: str, max_cells: int = MAX_DENSE_CELLS
) -> npt.NDArray[np.float64]:
    """The rows as a dense ``(len(rows), width)`` matrix, NaN where a row lists no value.

    Raises:
        DataError: an index is ``>= width``, or the matrix would exceed ``max_cells`` values
            (checked before it is allocated).
    """
    largest = width_of(rows)
    if largest > width:
        raise DataError(
            f"{source}: expected feature indices below {width}, got index {largest - 1}."
        )
    if len(rows) * width > max_cells:
        raise DataError(
            f"{source}: {len(rows)} rows up to feature index {width - 1} make a dense matrix "
            f"of {len(rows) * width} values, more than sabio's limit of {max_cells}. "
            "Re-index the features densely (0..n-1) or send CSV."
        )
    matrix = np.full((len(rows), width), np.nan, dtype=np.float64)
    for row_index, (indices, values) in enumerate(rows):
        matrix[row_index, indices] = values
    return matrix


def parse_libsvm(
    text: str, *, source: str, require_label: bool, n_features: int | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
    """Parse libsvm text into a dense feature matrix (NaN = absent) and the labels.

    Args:
        text: the file or request body.
        source: what the text is, for error messages ("channel 'train' file a.libsvm").
        require_label: every line must start with a label (training data).
        n_features: width of the matrix; default the largest index + 1.

    Returns:
        ``(features, labels)``; ``labels`` is ``None`` when no line had a label.

    Raises:
        DataError: for malformed lines (naming the line number), an index beyond
            ``n_features``, or a dense matrix over :data:`MAX_DENSE_CELLS` values.
    """
    rows, labels, has_label = read_libsvm(text, source=source, require_label=require_label)
    width = width_of(rows) if n_features is None else n_features
    matrix = densify(rows, width, source=source)
    label_array = np.asarray(labels, dtype=np.float64) if has_label else None
    return matrix, label_array


def _number(text: str, source: str, line: int, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise DataError(f"{source}, line {line}: {what} must be a number, got {text!r}.") from None
