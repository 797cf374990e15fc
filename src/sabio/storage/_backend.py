"""The backend protocol: what a store implementation provides.

A backend works on *native paths*: ``<root>/<bucket>/<key>`` for the local folder store,
``bucket/key`` for S3. :class:`~sabio.storage.Store` does the URI parsing, key validation,
bucket checks and error messages once, for every backend; a backend only moves bytes and
raises ``OSError`` subclasses (``FileNotFoundError`` for anything missing).

Every implementation runs the shared conformance suite in
``tests/storage/test_store_conformance.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Protocol

__all__ = ["Backend"]


class Backend(Protocol):
    """Byte-moving operations of one store implementation."""

    def bucket_path(self, bucket: str) -> str:
        """Native path of a bucket."""
        ...

    def join(self, path: str, relative: str) -> str:
        """Native path of ``relative`` (a ``/``-separated, validated key) below ``path``."""
        ...

    def bucket_exists(self, bucket: str) -> bool:
        """Whether the bucket exists."""
        ...

    def create_bucket(self, bucket: str) -> None:
        """Create the bucket; do nothing if it exists."""
        ...

    def list_buckets(self) -> list[str]:
        """Names of all buckets."""
        ...

    def is_file(self, path: str) -> bool:
        """Whether an object exists at exactly ``path``."""
        ...

    def has_objects(self, path: str) -> bool:
        """Whether at least one object exists below the folder ``path``."""
        ...

    def walk(self, path: str) -> list[tuple[str, int]]:
        """``(relative key, size)`` of every object below the folder ``path``, sorted."""
        ...

    def children(self, path: str) -> tuple[list[str], list[str]]:
        """Names of the objects and of the sub-folders directly below the folder ``path``."""
        ...

    def size(self, path: str) -> int:
        """Size in bytes of the object at ``path``."""
        ...

    def read(self, path: str) -> bytes:
        """Content of the object at ``path``."""
        ...

    def write(self, path: str, data: bytes) -> None:
        """Create or replace the object at ``path`` atomically."""
        ...

    def put(self, pairs: Sequence[tuple[Path, str]]) -> None:
        """Upload local files to native paths (each object atomically), concurrently if it can."""
        ...

    def get(self, pairs: Sequence[tuple[str, Path]]) -> None:
        """Download objects to local files (each file atomically; folders are created)."""
        ...

    def remove(self, paths: Sequence[str]) -> None:
        """Delete the objects at ``paths``."""
        ...

    def open_read(self, path: str, *, text: bool, encoding: str) -> IO[Any]:
        """Open the object at ``path`` for reading."""
        ...

    def open_write(self, path: str, *, text: bool, encoding: str) -> IO[Any]:
        """Open an atomic writer for ``path``: published on close, discarded on error."""
        ...
