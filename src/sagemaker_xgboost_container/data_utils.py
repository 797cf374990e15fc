"""``sagemaker_xgboost_container.data_utils``: channel folders as ``xgboost.DMatrix``.

Example:
    >>> from sagemaker_xgboost_container.data_utils import get_dmatrix
    >>> dtrain = get_dmatrix("/opt/ml/input/data/train", "text/csv")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import Any

from sagemaker_xgboost_container._content import CSV, libsvm_dmatrix, media_type

__all__ = ["get_content_type", "get_dmatrix", "get_files_path_from_string"]


def get_content_type(content_type: str | None) -> str:
    """The container's content type for a channel's ``ContentType`` (default libsvm)."""
    return media_type(content_type)


def get_files_path_from_string(data_path: str | list[str]) -> list[str]:
    """The data files under a path (a file, a folder, or a list of them), sorted; hidden
    files are skipped as the container skips them."""
    paths = data_path if isinstance(data_path, list) else [data_path]
    files: list[str] = []
    for path in paths:
        if os.path.isfile(path):
            files.append(path)
            continue
        for root, _dirs, names in os.walk(path):
            files.extend(os.path.join(root, n) for n in names if not n.startswith("."))
    return sorted(files)


def get_dmatrix(
    data_path: str | list[str],
    content_type: str | None,
    csv_weights: int = 0,
    is_pipe: bool = False,
    **_ignored: Any,
) -> Any:
    """A channel's data as one ``xgboost.DMatrix``, or ``None`` when it holds no file.

    CSV files have no header and the label in the first column (with ``csv_weights=1``,
    instance weights in the second); libsvm indices are taken as given.

    Raises:
        ValueError: an unsupported content type, or Pipe mode.
    """
    import numpy as np
    import xgboost as xgb

    if is_pipe:
        raise ValueError("Pipe mode is not supported: sabio channels are File mode folders.")
    kind = media_type(content_type)
    files = get_files_path_from_string(data_path)
    if not files:
        return None
    if kind == CSV:
        rows = [np.genfromtxt(f, delimiter=",", ndmin=2, dtype=np.float64) for f in files]
        table = np.vstack([r for r in rows if r.size])
        first = 2 if csv_weights == 1 else 1
        weight = table[:, 1] if csv_weights == 1 else None
        return xgb.DMatrix(table[:, first:], label=table[:, 0], weight=weight)
    parts = []
    for name in files:
        with open(name, "rb") as part:
            data = part.read()
        parts.append(data if data.endswith(b"\n") or not data else data + b"\n")
    return libsvm_dmatrix(b"".join(parts))
