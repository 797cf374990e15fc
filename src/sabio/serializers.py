"""Serializers with SageMaker's names and content types (``sagemaker.serializers``).

A serializer turns what you pass to ``Predictor.predict`` into a request body.

Example:
    >>> from sabio.serializers import CSVSerializer
    >>> CSVSerializer().serialize([[1, 2.5, "x"], [3, 4, "y"]])
    '1,2.5,x\\n3,4,y'
"""

from __future__ import annotations

import csv
import io
import json
from abc import ABC, abstractmethod
from typing import Any

__all__ = [
    "BaseSerializer",
    "CSVSerializer",
    "IdentitySerializer",
    "JSONLinesSerializer",
    "JSONSerializer",
    "LibSVMSerializer",
    "NumpySerializer",
    "SimpleBaseSerializer",
    "StringSerializer",
]


class BaseSerializer(ABC):
    """Turns data into a request body."""

    @abstractmethod
    def serialize(self, data: Any) -> Any:
        """Return the request body (``bytes`` or ``str``)."""

    @property
    @abstractmethod
    def CONTENT_TYPE(self) -> str:  # noqa: N802 - SageMaker's name
        """The ``Content-Type`` of the body."""


class SimpleBaseSerializer(BaseSerializer):
    """A serializer with a fixed content type."""

    def __init__(self, content_type: str = "application/json") -> None:
        self.content_type = content_type

    @property
    def CONTENT_TYPE(self) -> str:  # noqa: N802
        return self.content_type

    def serialize(self, data: Any) -> Any:  # pragma: no cover - abstract in effect
        raise NotImplementedError


def _ready(data: Any) -> Any:
    """``data`` when it already is a body (text, bytes), an open file's content, else ``None``."""
    if isinstance(data, str | bytes):
        return data
    if hasattr(data, "read"):
        return data.read()
    return None


def _is_frame(data: Any) -> bool:
    return hasattr(data, "to_csv") and hasattr(data, "columns")


def _rows(data: Any) -> Any:
    if hasattr(data, "tolist"):
        return data.tolist()
    return data


class CSVSerializer(SimpleBaseSerializer):
    """Rows (lists, arrays, a DataFrame without its header) as ``text/csv``."""

    def __init__(self, content_type: str = "text/csv") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        if (body := _ready(data)) is not None:
            return body
        if _is_frame(data):
            return str(data.to_csv(header=False, index=False)).rstrip("\n")
        rows = _rows(data)
        if not isinstance(rows, list | tuple):
            return str(rows)
        if rows and not isinstance(rows[0], list | tuple):
            rows = [rows]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue().rstrip("\n")


def _jsonable(data: Any) -> Any:
    if _is_frame(data):
        return data.to_dict(orient="records")
    if hasattr(data, "tolist"):
        return data.tolist()
    if isinstance(data, dict):
        return {k: _jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_jsonable(v) for v in data]
    return data


class JSONSerializer(SimpleBaseSerializer):
    """Any JSON-able value (arrays and frames included) as ``application/json``."""

    def __init__(self, content_type: str = "application/json") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        body = _ready(data)
        return body if body is not None else json.dumps(_jsonable(data))


class JSONLinesSerializer(SimpleBaseSerializer):
    """One JSON value per line (``application/jsonlines``)."""

    def __init__(self, content_type: str = "application/jsonlines") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        body = _ready(data)
        return body if body is not None else "\n".join(json.dumps(row) for row in _jsonable(data))


class NumpySerializer(SimpleBaseSerializer):
    """Arrays as ``.npy`` (``application/x-npy``), never pickled."""

    def __init__(self, dtype: str | None = None, content_type: str = "application/x-npy") -> None:
        super().__init__(content_type)
        self.dtype = dtype

    def serialize(self, data: Any) -> Any:
        import numpy as np

        if isinstance(data, bytes):
            return data
        if hasattr(data, "read"):
            return data.read()
        array = np.asarray(data, dtype=self.dtype)
        if array.size == 0:
            raise ValueError("Cannot serialize an empty array.")
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return buffer.getvalue()


class IdentitySerializer(SimpleBaseSerializer):
    """Sends bytes (or text) as they are."""

    def __init__(self, content_type: str = "application/octet-stream") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        return data


class StringSerializer(SimpleBaseSerializer):
    """Sends ``str(data)`` as ``text/plain``."""

    def __init__(self, content_type: str = "text/plain") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        return data if isinstance(data, str | bytes) else str(data)


class LibSVMSerializer(SimpleBaseSerializer):
    """libsvm lines (``text/libsvm``); dense rows become ``0 index:value ...``."""

    def __init__(self, content_type: str = "text/libsvm") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        if (body := _ready(data)) is not None:
            return body
        rows = _rows(data)
        if rows and not isinstance(rows[0], list | tuple):
            rows = [rows]
        lines = []
        for row in rows:
            cells = " ".join(f"{i}:{v}" for i, v in enumerate(row) if v not in (0, None))
            lines.append(f"0 {cells}".rstrip())
        return "\n".join(lines)
