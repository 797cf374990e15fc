"""The local folder store: ``s3://bucket/key`` lives at ``<root>/<bucket>/<key>``.

The same class serves plain local paths (``file:///abs/path``), whose native path is the
path itself. Objects are files; folders exist only while they hold objects (emptied folders
are pruned on delete), so listings match S3's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from sabio.storage._atomic import atomic_copy, atomic_write_bytes, open_atomic, replace_onto
from sabio.storage._atomic import temp_beside as _temp_beside
from sabio.storage._keys import RESERVED_PREFIX, bucket_problem

__all__ = ["LocalBackend"]


class LocalBackend:
    """Store objects as files under ``root`` (one folder per bucket)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def bucket_path(self, bucket: str) -> str:
        return os.path.join(self.root, bucket)

    def join(self, path: str, relative: str) -> str:
        return os.path.join(path, *relative.split("/"))

    def bucket_exists(self, bucket: str) -> bool:
        return os.path.isdir(self.bucket_path(bucket))

    def create_bucket(self, bucket: str) -> None:
        os.makedirs(self.bucket_path(bucket), exist_ok=True)

    def list_buckets(self) -> list[str]:
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return []
        return sorted(e.name for e in entries if e.is_dir() and bucket_problem(e.name) is None)

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path) and not os.path.basename(path).startswith(RESERVED_PREFIX)

    def has_objects(self, path: str) -> bool:
        for _dirpath, _dirnames, filenames in os.walk(path):
            if any(not name.startswith(RESERVED_PREFIX) for name in filenames):
                return True
        return False

    def walk(self, path: str) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        stack = [("", path)]
        while stack:
            relative, folder = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if entry.name.startswith(RESERVED_PREFIX):
                    continue
                key = relative + entry.name
                if entry.is_dir():
                    stack.append((key + "/", entry.path))
                elif entry.is_file():
                    found.append((key, entry.stat().st_size))
        found.sort()
        return found

    def children(self, path: str) -> tuple[list[str], list[str]]:
        files: list[str] = []
        folders: list[str] = []
        try:
            entries = list(os.scandir(path))
        except (FileNotFoundError, NotADirectoryError):
            return files, folders
        for entry in entries:
            if entry.name.startswith(RESERVED_PREFIX):
                continue
            if entry.is_dir():
                folders.append(entry.name)
            elif entry.is_file():
                files.append(entry.name)
        return sorted(files), sorted(folders)

    def size(self, path: str) -> int:
        if not self.is_file(path):
            raise FileNotFoundError(path)
        return os.stat(path).st_size

    def read(self, path: str) -> bytes:
        with open(path, "rb") as fh:
            return fh.read()

    def write(self, path: str, data: bytes) -> None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)

    def put(self, pairs: Sequence[tuple[Path, str]]) -> None:
        made: set[str] = set()
        for source, path in pairs:
            parent = os.path.dirname(path)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            atomic_copy(source, Path(path))

    def get(self, pairs: Sequence[tuple[str, Path]]) -> None:
        made: set[Path] = set()
        for path, target in pairs:
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            atomic_copy(Path(path), target)

    def remove(self, paths: Sequence[str]) -> None:
        parents: set[str] = set()
        for path in paths:
            os.unlink(path)
            parents.add(os.path.dirname(path))
        self._prune(parents)

    def _prune(self, folders: set[str]) -> None:
        """Remove folders left empty by a delete, up to (not including) the bucket folder."""
        root = os.path.join(os.path.abspath(self.root), "")
        for folder in sorted(folders, key=len, reverse=True):
            current = os.path.abspath(folder)
            # Only strictly below a bucket folder: <root>/<bucket>/<something>.
            while current.startswith(root) and os.sep in current[len(root) :]:
                try:
                    os.rmdir(current)
                except OSError:  # not empty (or already gone): stop climbing
                    break
                current = os.path.dirname(current)

    def open_read(self, path: str, *, text: bool, encoding: str) -> IO[Any]:
        if not self.is_file(path):
            raise FileNotFoundError(path)
        if text:
            return open(path, encoding=encoding)
        return open(path, "rb")

    def open_write(self, path: str, *, text: bool, encoding: str) -> IO[Any]:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temp_beside(target)
        return open_atomic(fd, tmp, replace_onto(target), text=text, encoding=encoding)
