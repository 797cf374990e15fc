"""A small parser for the libsvm text format (``label index:value index:value ...``).

Indices are used as given (0- or 1-based files both work, as in XGBoost); features that a row
does not list are *missing* (NaN), which is how XGBoost treats sparse libsvm input.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sabio.algorithms._errors import DataError

__all__ = ["parse_libsvm"]


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
        DataError: for malformed lines, naming the line number.
    """
    labels: list[float] = []
    rows: list[tuple[list[int], list[float]]] = []
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
            if not sep or not key.isdigit():
                raise DataError(
                    f"{source}, line {number}: expected 'index:value' with a non-negative "
                    f"integer index, got {token!r}."
                )
            indices.append(int(key))
            values.append(_number(value, source, number, f"feature {key}"))
        rows.append((indices, values))
    width = max((max(idx) + 1 for idx, _ in rows if idx), default=0)
    if n_features is not None:
        if width > n_features:
            raise DataError(
                f"{source}: expected feature indices below {n_features}, got index {width - 1}."
            )
        width = n_features
    matrix = np.full((len(rows), width), np.nan, dtype=np.float64)
    for row_index, (indices, values) in enumerate(rows):
        matrix[row_index, indices] = values
    label_array = np.asarray(labels, dtype=np.float64) if has_label else None
    return matrix, label_array


def _number(text: str, source: str, line: int, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise DataError(f"{source}, line {line}: {what} must be a number, got {text!r}.") from None
