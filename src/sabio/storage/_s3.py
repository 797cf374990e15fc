"""The S3 store: objects on an S3-protocol server (AWS, MinIO, moto …) through s3fs.

Native paths are ``bucket/key``. Listings and deletes call the S3 API through s3fs's client
directly (``list_objects_v2``, ``delete_objects``) so that keys containing glob characters
are never expanded as patterns; bulk transfers use s3fs's concurrent ``put``/``get``.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from sabio._config import Settings
from sabio.exceptions import ConfigError
from sabio.storage._atomic import open_atomic, temp_beside
from sabio.storage._keys import RESERVED_PREFIX

__all__ = ["S3Backend"]

_DELETE_BATCH = 1000  # the most keys one DeleteObjects call accepts


def _split(path: str) -> tuple[str, str]:
    bucket, _, key = path.partition("/")
    return bucket, key


class S3Backend:
    """Store objects on an S3-protocol server configured by ``settings``."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._fs: Any = None

    @property
    def fs(self) -> Any:
        """The ``s3fs.S3FileSystem`` (created on first use; s3fs is an optional extra)."""
        if self._fs is None:
            try:
                import s3fs
            except ImportError as exc:
                raise ConfigError(
                    f"store_url is {self._settings.store_url!r} but s3fs is not installed. "
                    "Install the S3 extra: pip install 'sabio[s3]'."
                ) from exc
            client_kwargs: dict[str, str] = {"region_name": self._settings.s3_region}
            if self._settings.s3_endpoint_url:
                client_kwargs["endpoint_url"] = self._settings.s3_endpoint_url
            self._fs = s3fs.S3FileSystem(
                key=self._settings.s3_access_key_id,
                secret=self._settings.s3_secret_access_key,
                client_kwargs=client_kwargs,
                # Jobs in other processes write too: never answer from a stale listing.
                use_listings_cache=False,
            )
        return self._fs

    def _call(self, method: str, **kwargs: Any) -> Any:
        return self.fs.call_s3(method, **kwargs)

    def bucket_path(self, bucket: str) -> str:
        return bucket

    def join(self, path: str, relative: str) -> str:
        return f"{path}/{relative}"

    def bucket_exists(self, bucket: str) -> bool:
        try:
            self._call("head_bucket", Bucket=bucket)
        except FileNotFoundError:
            return False
        return True

    def create_bucket(self, bucket: str) -> None:
        if self.bucket_exists(bucket):
            return
        params: dict[str, Any] = {"Bucket": bucket}
        region = self._settings.s3_region
        if region and region != "us-east-1":  # us-east-1 rejects an explicit constraint
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        self._call("create_bucket", **params)

    def list_buckets(self) -> list[str]:
        response = self._call("list_buckets")
        return sorted(str(b["Name"]) for b in response.get("Buckets", []))

    def _head(self, path: str) -> dict[str, Any] | None:
        bucket, key = _split(path)
        if not key or key.endswith("/"):
            return None
        try:
            head: dict[str, Any] = self._call("head_object", Bucket=bucket, Key=key)
        except FileNotFoundError:
            return None
        return head

    def is_file(self, path: str) -> bool:
        return self._head(path) is not None

    def _pages(self, path: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        bucket, key = _split(path)
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": key + "/" if key else ""}
        params.update(kwargs)
        while True:
            page: dict[str, Any] = self._call("list_objects_v2", **params)
            yield page
            if not page.get("IsTruncated"):
                return
            params["ContinuationToken"] = page["NextContinuationToken"]

    def has_objects(self, path: str) -> bool:
        page = next(self._pages(path, MaxKeys=1))
        return bool(page.get("Contents"))

    def walk(self, path: str) -> list[tuple[str, int]]:
        _, key = _split(path)
        start = len(key) + 1 if key else 0
        found = [
            (str(item["Key"])[start:], int(item["Size"]))
            for page in self._pages(path)
            for item in page.get("Contents", [])
            if not str(item["Key"]).endswith("/")  # zero-byte "folder" markers
        ]
        found.sort()
        return found

    def children(self, path: str) -> tuple[list[str], list[str]]:
        _, key = _split(path)
        start = len(key) + 1 if key else 0
        files: list[str] = []
        folders: list[str] = []
        for page in self._pages(path, Delimiter="/"):
            for item in page.get("Contents", []):
                name = str(item["Key"])[start:]
                if name:
                    files.append(name)
            for common in page.get("CommonPrefixes", []):
                folders.append(str(common["Prefix"])[start:].rstrip("/"))
        return sorted(files), sorted(folders)

    def size(self, path: str) -> int:
        head = self._head(path)
        if head is None:
            raise FileNotFoundError(path)
        return int(head["ContentLength"])

    def read(self, path: str) -> bytes:
        data: bytes = self.fs.cat_file(path)
        return data

    def write(self, path: str, data: bytes) -> None:
        self.fs.pipe_file(path, data)

    def put(self, pairs: Sequence[tuple[Path, str]]) -> None:
        if pairs:
            self.fs.put([str(source) for source, _ in pairs], [path for _, path in pairs])

    def get(self, pairs: Sequence[tuple[str, Path]]) -> None:
        temps: list[tuple[Path, Path]] = []
        try:
            for _, target in pairs:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = temp_beside(target)
                os.close(fd)
                temps.append((tmp, target))
            if pairs:
                self.fs.get([path for path, _ in pairs], [str(tmp) for tmp, _ in temps])
            for tmp, target in temps:
                os.replace(tmp, target)
        finally:
            for tmp, _ in temps:
                with contextlib.suppress(OSError):
                    tmp.unlink()

    def remove(self, paths: Sequence[str]) -> None:
        by_bucket: dict[str, list[str]] = {}
        for path in paths:
            bucket, key = _split(path)
            by_bucket.setdefault(bucket, []).append(key)
        for bucket, keys in by_bucket.items():
            for start in range(0, len(keys), _DELETE_BATCH):
                batch = keys[start : start + _DELETE_BATCH]
                response = self._call(
                    "delete_objects",
                    Bucket=bucket,
                    Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True},
                )
                errors = response.get("Errors") or []
                if errors:
                    first = errors[0]
                    raise OSError(
                        f"{len(errors)} object(s) could not be deleted from bucket {bucket!r}, "
                        f"e.g. {first.get('Key')!r}: {first.get('Message') or first.get('Code')}"
                    )

    def open_read(self, path: str, *, text: bool, encoding: str) -> IO[Any]:
        if self._head(path) is None:
            raise FileNotFoundError(path)
        handle: IO[Any] = self.fs.open(path, "rb")
        if text:
            return io.TextIOWrapper(handle, encoding=encoding)
        return handle

    def open_write(self, path: str, *, text: bool, encoding: str) -> IO[Any]:
        # Buffer in a local temporary file and upload on a clean close: an exception inside
        # the ``with`` block must not publish a partial object (s3fs's own writer would).
        fd, name = tempfile.mkstemp(prefix=RESERVED_PREFIX)

        def commit(tmp: Path) -> None:
            try:
                self.fs.put_file(str(tmp), path)
            finally:
                with contextlib.suppress(OSError):
                    tmp.unlink()

        return open_atomic(fd, Path(name), commit, text=text, encoding=encoding)
