"""Deserializers with SageMaker's names and accept types (``sagemaker.deserializers``).

A deserializer turns a response body into Python data; its ``ACCEPT`` is sent as the
request's ``Accept`` header.

Example:
    >>> import io
    >>> from sabio.deserializers import CSVDeserializer
    >>> CSVDeserializer().deserialize(io.BytesIO(b"1,2\\n3,4"), "text/csv")
    [['1', '2'], ['3', '4']]
"""

from __future__ import annotations

import csv
import io
import json
from abc import ABC, abstractmethod
from typing import IO, Any

__all__ = [
    "BaseDeserializer",
    "BytesDeserializer",
    "CSVDeserializer",
    "JSONDeserializer",
    "JSONLinesDeserializer",
    "NumpyDeserializer",
    "PandasDeserializer",
    "SimpleBaseDeserializer",
    "StreamDeserializer",
    "StringDeserializer",
]


class BaseDeserializer(ABC):
    """Turns a response body into data."""

    @abstractmethod
    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        """Read ``stream`` (the response body) and return data."""

    @property
    @abstractmethod
    def ACCEPT(self) -> tuple[str, ...]:  # noqa: N802 - SageMaker's name
        """Accept types, most preferred first."""


class SimpleBaseDeserializer(BaseDeserializer):
    """A deserializer with fixed accept types."""

    def __init__(self, accept: str | tuple[str, ...] = "*/*") -> None:
        self.accept = accept

    @property
    def ACCEPT(self) -> tuple[str, ...]:  # noqa: N802
        return (self.accept,) if isinstance(self.accept, str) else tuple(self.accept)

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:  # pragma: no cover
        raise NotImplementedError


def _read(stream: IO[bytes]) -> bytes:
    try:
        return stream.read()
    finally:
        stream.close()


class BytesDeserializer(SimpleBaseDeserializer):
    """Returns the body as bytes."""

    def __init__(self, accept: str | tuple[str, ...] = "*/*") -> None:
        super().__init__(accept)

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        return _read(stream)


class StringDeserializer(SimpleBaseDeserializer):
    """Returns the body as text."""

    def __init__(self, encoding: str = "UTF-8", accept: str | tuple[str, ...] = "application/json"):
        super().__init__(accept)
        self.encoding = encoding

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        return _read(stream).decode(self.encoding)


class StreamDeserializer(SimpleBaseDeserializer):
    """Returns ``(stream, content_type)`` without reading."""

    def __init__(self, accept: str | tuple[str, ...] = "*/*") -> None:
        super().__init__(accept)

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        return stream, content_type


class CSVDeserializer(SimpleBaseDeserializer):
    """Returns CSV rows as lists of strings."""

    def __init__(self, encoding: str = "utf-8", accept: str | tuple[str, ...] = "text/csv"):
        super().__init__(accept)
        self.encoding = encoding

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        text = _read(stream).decode(self.encoding)
        return list(csv.reader(text.splitlines()))


class JSONDeserializer(SimpleBaseDeserializer):
    """Returns the decoded JSON value."""

    def __init__(self, accept: str | tuple[str, ...] = "application/json") -> None:
        super().__init__(accept)

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        return json.loads(_read(stream))


class JSONLinesDeserializer(SimpleBaseDeserializer):
    """Returns a list with one decoded value per line."""

    def __init__(self, accept: str | tuple[str, ...] = "application/jsonlines") -> None:
        super().__init__(accept)

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        text = _read(stream).decode("utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]


class NumpyDeserializer(SimpleBaseDeserializer):
    """Returns an array from ``.npy``, CSV or JSON answers (never unpickles by default)."""

    def __init__(
        self,
        dtype: str | None = None,
        accept: str | tuple[str, ...] = "application/x-npy",
        allow_pickle: bool = False,
    ) -> None:
        super().__init__(accept)
        self.dtype = dtype
        self.allow_pickle = allow_pickle

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        import numpy as np

        body = _read(stream)
        kind = (content_type or "").split(";", 1)[0].strip().lower()
        if kind == "text/csv":
            return np.genfromtxt(io.StringIO(body.decode()), delimiter=",", dtype=self.dtype)
        if kind == "application/json":
            return np.array(json.loads(body), dtype=self.dtype)
        if kind in ("application/x-npy", "application/npy"):
            return np.load(io.BytesIO(body), allow_pickle=self.allow_pickle)
        raise ValueError(f"NumpyDeserializer cannot read {content_type!r} answers.")


class PandasDeserializer(SimpleBaseDeserializer):
    """Returns a DataFrame from a CSV or JSON answer."""

    def __init__(self, accept: str | tuple[str, ...] = ("text/csv", "application/json")) -> None:
        super().__init__(accept)

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        import pandas as pd

        body = _read(stream)
        kind = (content_type or "").split(";", 1)[0].strip().lower()
        if kind == "text/csv":
            return pd.read_csv(io.BytesIO(body), header=None)
        if kind == "application/json":
            value = json.loads(body)
            if isinstance(value, dict) and "predictions" in value:
                value = value["predictions"]
            return pd.DataFrame(value)
        raise ValueError(f"PandasDeserializer cannot read {content_type!r} answers.")
