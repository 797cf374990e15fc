"""Atomic local writes: write a temporary file next to the target, then ``os.replace``.

A reader sees either the old file or the complete new one, never a half-written file, even
if the writing process is killed. No ``fsync``: the threat guarded against is a crashing or
killed process (a training job hitting ``max_run``), and folders of many small files must
upload fast; ``os.replace`` over a fully written file is what ext4/xfs order safely.
Leftover temporary files carry :data:`RESERVED_PREFIX` and are ignored by listings.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sabio.storage._keys import RESERVED_PREFIX

__all__ = [
    "AtomicWriter",
    "atomic_copy",
    "atomic_write_bytes",
    "open_atomic",
    "replace_onto",
    "temp_beside",
]


def temp_beside(target: Path) -> tuple[int, Path]:
    """Create an empty temporary file in ``target``'s folder; return its fd and path."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=RESERVED_PREFIX)
    return fd, Path(name)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (the folder must exist)."""
    fd, tmp = temp_beside(target)
    try:
        with open(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def atomic_copy(source: Path, target: Path) -> None:
    """Copy the file ``source`` to ``target`` atomically (the folder must exist)."""
    fd, tmp = temp_beside(target)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise


class AtomicWriter(io.BufferedWriter):
    """A binary file that publishes its content only when closed without error.

    Closing it normally calls ``commit(tmp_path)`` (e.g. ``os.replace`` onto the target, or an
    upload); leaving a ``with`` block by an exception, or calling :meth:`abort`, discards it.
    The temporary file is removed unless ``commit`` succeeded (``commit`` owns it then).
    """

    def __init__(self, fd: int, tmp: Path, commit: Callable[[Path], None]) -> None:
        super().__init__(io.FileIO(fd, "wb", closefd=True))
        self._tmp = tmp
        self._commit = commit
        self._aborted = False

    def abort(self) -> None:
        """Discard everything written; the target is left untouched."""
        self._aborted = True
        self.close()

    def close(self) -> None:
        """Flush and publish (or discard, after :meth:`abort`)."""
        if self.closed:
            return
        published = False
        try:
            super().close()
            if not self._aborted:
                self._commit(self._tmp)
                published = True
        finally:
            if not published:
                _unlink_quietly(self._tmp)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._aborted = True
        self.close()


class _AtomicTextWriter(io.TextIOWrapper):
    """Text-mode face of :class:`AtomicWriter` that also discards on an exception."""

    def __init__(self, raw: AtomicWriter, encoding: str, newline: str | None) -> None:
        super().__init__(raw, encoding=encoding, newline=newline)
        self._raw_writer = raw

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._raw_writer._aborted = True
        self.close()


def open_atomic(
    fd: int,
    tmp: Path,
    commit: Callable[[Path], None],
    *,
    text: bool,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> IO[Any]:
    """Wrap an open temporary file as an atomic writer in binary or text mode."""
    writer = AtomicWriter(fd, tmp, commit)
    if text:
        return _AtomicTextWriter(writer, encoding, newline)
    return writer


def replace_onto(target: Path) -> Callable[[Path], None]:
    """Return a commit function that moves the temporary file onto ``target``."""

    def commit(tmp: Path) -> None:
        os.replace(tmp, target)

    return commit
