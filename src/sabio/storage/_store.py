"""The :class:`Store`: SageMaker-style ``s3://`` URIs over a local folder or an S3 server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

from sabio._config import Settings
from sabio.exceptions import ConfigError, NotFoundError, SabioError, ValidationError
from sabio.storage._backend import Backend
from sabio.storage._keys import (
    LocalLocation,
    ObjectLocation,
    join_key,
    parse_uri,
    validate_bucket,
    validate_key,
)
from sabio.storage._local import LocalBackend
from sabio.storage._messages import backend_error, conflict_error, missing_error
from sabio.storage._s3 import S3Backend
from sabio.storage._target import Target, walk_local

__all__ = ["Store", "UriLike"]

UriLike = str | os.PathLike[str]
_Uris = list[str]
_Paths = list[Path]
_MODES = {"r": (False, True), "rt": (False, True), "rb": (False, False)}
_MODES |= {"w": (True, True), "wt": (True, True), "wb": (True, False)}


class Store:
    """Data and artifact store addressed with SageMaker's ``s3://bucket/key`` URIs.

    With the default ``store_url`` (``file://<home>/store``), ``s3://bucket/key`` is the file
    ``<root>/<bucket>/<key>``, so notebooks written for SageMaker run unchanged. With an
    ``s3://`` store_url the same URIs go to an S3-protocol server (``s3_endpoint_url`` and
    the ``s3_*`` credentials of the settings). ``file:///abs/path`` URIs and plain paths
    always mean the local filesystem (e.g. training data in a local folder); they can be read,
    listed and written, never deleted.

    The part of an ``s3://`` store_url after the scheme is not used: URIs map one-to-one to
    the server's buckets, so ``s3://bucket/key`` means the same object to sabio, boto3 and
    the AWS CLI.

    Contracts shared by every method:

    * keys are validated (no ``..``, not absolute, no backslashes or NUL):
      :class:`~sabio.exceptions.InvalidKeyError`; bad URIs and bucket names:
      :class:`~sabio.exceptions.ValidationError`;
    * a missing bucket, object or folder: :class:`~sabio.exceptions.NotFoundError` naming the
      URI, with "Did you mean …?" among its neighbours;
    * writes are atomic: readers see the old object or the whole new one, never a part;
    * the backend failing otherwise: :class:`~sabio.exceptions.StorageError`.

    Example:
        >>> from sabio._config import load_settings
        >>> store = Store(load_settings())  # doctest: +SKIP
        >>> uri = store.upload("data/insurance.csv", key_prefix="insurance")  # doctest: +SKIP
        >>> uri  # doctest: +SKIP
        's3://sabio-default/insurance/insurance.csv'
        >>> store.get_bytes(uri)[:3]  # doctest: +SKIP
        b'age'
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.ensure_home()  # before the store's folder, which may be in it
        url = settings.store_url
        self._objects: Backend
        if url.startswith("file://"):
            location = parse_uri(url)
            if not isinstance(location, LocalLocation):  # pragma: no cover - parse_uri contract
                raise ConfigError(f"store_url {url!r} is not a file:// URI.")
            self.kind: Literal["local", "s3"] = "local"
            self._objects = LocalBackend(location.path)
        elif url.startswith("s3://"):
            self.kind = "s3"
            self._objects = S3Backend(settings)
        else:
            raise ConfigError(
                f"store_url must start with file:// or s3://, got {url!r}. "
                "Example: SABIO_STORE_URL=file:///data/sabio-store."
            )
        self._files = LocalBackend(Path(os.sep))
        self._known_buckets: set[str] = set()

    def __repr__(self) -> str:
        return f"Store({self.settings.store_url!r})"

    # -- buckets ---------------------------------------------------------------------------

    def default_bucket(self) -> str:
        """Return the default bucket's name (``settings.default_bucket``), creating it if missing.

        Like ``sagemaker.Session.default_bucket()``.

        Raises:
            ConfigError: the configured name breaks the S3 naming rules.
        """
        name = self.settings.default_bucket
        if name not in self._known_buckets:
            try:
                validate_bucket(name)
            except ValidationError as exc:
                raise ConfigError(
                    f"{exc} Fix SABIO_DEFAULT_BUCKET or 'default_bucket' in config.toml."
                ) from exc
            self.create_bucket(name)
        return name

    def create_bucket(self, name: str) -> None:
        """Create the bucket ``name``; do nothing if it already exists.

        Raises:
            ValidationError: the name breaks the S3 naming rules (the message says which).
        """
        validate_bucket(name)
        target = self._resolve(f"s3://{name}/")
        with self._guard(target, "create bucket", writing=True):
            self._objects.create_bucket(name)
        self._known_buckets.add(name)

    def bucket_exists(self, name: str) -> bool:
        """Whether the bucket ``name`` exists."""
        validate_bucket(name)
        if name in self._known_buckets:
            return True
        with self._guard(self._resolve(f"s3://{name}/"), "check bucket"):
            found = self._objects.bucket_exists(name)
        if found:
            self._known_buckets.add(name)
        return found

    def list_buckets(self) -> _Uris:
        """Names of all buckets, sorted."""
        with self._guard(self._resolve("s3://sabio-default/"), "list buckets"):
            return self._objects.list_buckets()

    # -- whole files and folders -----------------------------------------------------------

    def upload(
        self, local_path: UriLike, bucket: str | None = None, key_prefix: str = "data"
    ) -> str:
        """Upload a local file or folder (recursively) into the store.

        Same keys and return value as ``sagemaker.Session.upload_data``: a file goes to
        ``<key_prefix>/<file name>`` and its object URI is returned; a folder's files go to
        ``<key_prefix>/<relative path>`` and ``s3://bucket/<key_prefix>`` is returned.

        Args:
            local_path: a file or folder on this machine.
            bucket: target bucket; ``None`` means :meth:`default_bucket` (created if missing).
                Any other bucket must exist.
            key_prefix: folder inside the bucket (a trailing ``/`` is ignored).

        Raises:
            NotFoundError: ``local_path`` or the bucket does not exist.
            InvalidKeyError: ``key_prefix`` or a resulting key is unsafe.
        """
        source = _local(local_path, "upload() reads from")
        bucket = self.default_bucket() if bucket is None else validate_bucket(bucket)
        prefix = key_prefix.rstrip("/")
        validate_key(prefix, uri=f"s3://{bucket}/{key_prefix}", folder=True)
        if source.is_dir():
            keys = [(path, join_key(prefix, rel)) for path, rel in walk_local(source)]
            result = f"s3://{bucket}/{prefix}"
        elif source.is_file():
            keys = [(source, join_key(prefix, source.name))]
            result = f"s3://{bucket}/{keys[0][1]}"
        else:
            raise NotFoundError(
                f"Cannot upload {source}: no such file or folder "
                f"(relative paths start at {Path.cwd()}). Check the path."
            )
        for _, key in keys:
            validate_key(key, uri=f"s3://{bucket}/{key}")
        target = self._resolve(f"s3://{bucket}/{prefix}")
        bucket_path = self._objects.bucket_path(bucket)
        with self._guard(target, "upload to", writing=True):
            self._require_bucket(target)
            self._objects.put([(path, self._objects.join(bucket_path, k)) for path, k in keys])
        return result

    def download(self, uri: UriLike, local_dir: UriLike) -> _Paths:
        """Download an object, or every object under a folder, into ``local_dir``.

        An object lands at ``local_dir/<its name>``; a folder's objects keep their layout
        relative to the folder. Each file is written atomically.

        Returns:
            The downloaded local files, sorted.

        Raises:
            NotFoundError: nothing exists at ``uri``.
            InvalidKeyError: a stored key would escape ``local_dir`` (e.g. contains ``..``).
        """
        target = self._resolve(uri)
        dest = _local(local_dir, "download() writes to")
        with self._guard(target, "download"):
            self._require_bucket(target)
            if not target.is_folder_form and target.backend.is_file(target.path):
                pairs = [(target.path, dest / os.path.basename(target.path))]
            else:
                entries = self._walk(target)
                if not entries:
                    raise self._missing(target)
                pairs = [
                    (target.child_path(rel), dest.joinpath(*rel.split("/"))) for rel in entries
                ]
            target.backend.get(pairs)
        return sorted(local for _, local in pairs)

    def list(self, uri: UriLike, recursive: bool = True) -> _Uris:
        """URIs of the objects under ``uri`` (a bucket, folder or object), sorted.

        Non-recursive listings also name the sub-folders, with a trailing ``/`` (like
        ``aws s3 ls``). A folder with nothing under it gives ``[]``; an object gives itself.

        Raises:
            NotFoundError: the bucket does not exist.
        """
        target = self._resolve(uri)
        with self._guard(target, "list"):
            self._require_bucket(target)
            if not target.is_folder_form and target.backend.is_file(target.path):
                return [target.uri]
            if recursive:
                return [target.child_uri(rel) for rel in self._walk(target)]
            files, folders = target.backend.children(target.path)
        found = [target.child_uri(f) for f in files] + [target.child_uri(d) + "/" for d in folders]
        return sorted(found)

    def exists(self, uri: UriLike) -> bool:
        """Whether ``uri`` names an existing object, a folder holding objects, or a bucket."""
        target = self._resolve(uri)
        with self._guard(target, "check"):
            if isinstance(target.location, LocalLocation):
                return os.path.exists(target.path)
            if not self.bucket_exists(target.location.bucket):
                return False
            if not target.location.key:
                return True
            if not target.is_folder_form and target.backend.is_file(target.path):
                return True
            return target.backend.has_objects(target.path)

    def is_prefix(self, uri: UriLike) -> bool:
        """Whether ``uri`` is folder-like: a bucket, or a key with objects under ``key/``."""
        target = self._resolve(uri)
        with self._guard(target, "check"):
            if isinstance(target.location, LocalLocation):
                return os.path.isdir(target.path)
            if not self.bucket_exists(target.location.bucket):
                return False
            return not target.location.key or target.backend.has_objects(target.path)

    def size(self, uri: UriLike) -> int:
        """Size in bytes of an object, or the total size of the objects under a folder.

        Raises:
            NotFoundError: nothing exists at ``uri``.
        """
        target = self._resolve(uri)
        with self._guard(target, "size"):
            self._require_bucket(target)
            if not target.is_folder_form and target.backend.is_file(target.path):
                return target.backend.size(target.path)
            entries = target.backend.walk(target.path)
            if not entries:
                raise self._missing(target)
            return sum(size for _, size in entries)

    def delete(self, uri: UriLike, recursive: bool = False, missing_ok: bool = False) -> int:
        """Delete the object at ``uri`` (and, if ``recursive``, everything under ``uri/``).

        Only store URIs (``s3://``) can be deleted; local files are never touched.

        Returns:
            The number of objects deleted.

        Raises:
            NotFoundError: nothing to delete and not ``missing_ok``.
            ValidationError: ``uri`` is a local path, or a folder without ``recursive=True``.
        """
        target = self._resolve(uri)
        if isinstance(target.location, LocalLocation):
            raise ValidationError(
                f"Refusing to delete local files ({target.path}): delete() works on store "
                "URIs such as s3://bucket/key. Remove local files yourself."
            )
        with self._guard(target, "delete", writing=True):
            if not self.bucket_exists(target.location.bucket):
                if missing_ok:
                    return 0
                raise self._missing(target)
            doomed: _Uris = []
            if not target.is_folder_form and target.backend.is_file(target.path):
                doomed.append(target.path)
            if recursive:
                doomed += [target.child_path(rel) for rel in self._walk(target)]
            elif not doomed and target.backend.has_objects(target.path):
                raise ValidationError(
                    f"{target.uri} is a folder, not an object. Pass recursive=True to delete "
                    "everything under it."
                )
            if not doomed:
                if missing_ok:
                    return 0
                raise self._missing(target)
            target.backend.remove(doomed)
        return len(doomed)

    # -- single objects --------------------------------------------------------------------

    def put_bytes(self, uri: UriLike, data: bytes) -> None:
        """Create or replace the object at ``uri`` with ``data`` (atomically)."""
        target = self._object(uri)
        with self._guard(target, "write", writing=True):
            self._require_bucket(target)
            target.backend.write(target.path, bytes(data))

    def get_bytes(self, uri: UriLike) -> bytes:
        """Return the content of the object at ``uri``.

        Raises:
            NotFoundError: no object there (a folder is not an object).
        """
        target = self._object(uri)
        with self._guard(target, "read"):
            return target.backend.read(target.path)

    def put_file(self, local_path: UriLike, uri: UriLike) -> None:
        """Copy the local file ``local_path`` to the object ``uri`` (atomically).

        Raises:
            NotFoundError: ``local_path`` does not exist.
            ValidationError: ``local_path`` is a folder (use :meth:`upload`).
        """
        source = _local(local_path, "put_file() reads from")
        if source.is_dir():
            raise ValidationError(
                f"{source} is a folder; put_file() copies one file. Use upload() for folders."
            )
        if not source.is_file():
            raise NotFoundError(f"Cannot copy {source} to {uri}: no such file. Check the path.")
        target = self._object(uri)
        with self._guard(target, "write", writing=True):
            self._require_bucket(target)
            target.backend.put([(source, target.path)])

    def get_file(self, uri: UriLike, local_path: UriLike) -> Path:
        """Copy the object ``uri`` to ``local_path`` (atomically; folders are created).

        If ``local_path`` is an existing folder, the file keeps its name inside it.

        Returns:
            The written local file.
        """
        target = self._object(uri)
        dest = _local(local_path, "get_file() writes to")
        if dest.is_dir():
            dest = dest / os.path.basename(target.path)
        with self._guard(target, "read"):
            target.backend.get([(target.path, dest)])
        return dest

    def open(self, uri: UriLike, mode: str = "rb", encoding: str = "utf-8") -> IO[Any]:
        """Open the object at ``uri`` as a file (``"rb"``, ``"r"``, ``"wb"`` or ``"w"``).

        A file opened for writing publishes the object when closed; if the ``with`` block
        raises, nothing is published and any previous object is kept.

        Example:
            >>> with store.open("s3://sabio-default/notes.txt", "w") as fh:  # doctest: +SKIP
            ...     fh.write("hello")

        Raises:
            ValidationError: an unsupported ``mode``.
            NotFoundError: reading an object that does not exist.
        """
        if mode not in _MODES:
            raise ValidationError(
                f"Unsupported mode {mode!r} for {uri}: use 'rb', 'r', 'wb' or 'w'."
            )
        writing, text = _MODES[mode]
        target = self._object(uri)
        with self._guard(target, "write" if writing else "read", writing=writing):
            if writing:
                self._require_bucket(target)
                return target.backend.open_write(target.path, text=text, encoding=encoding)
            return target.backend.open_read(target.path, text=text, encoding=encoding)

    def local_path(self, uri: UriLike) -> Path | None:
        """The local file behind ``uri`` if it lives on this machine's filesystem, else ``None``.

        Lets callers link or read in place instead of copying (local store, local paths).
        """
        target = self._resolve(uri)
        if isinstance(target.backend, LocalBackend):
            return Path(target.path)
        return None

    # -- internals -------------------------------------------------------------------------

    def _resolve(self, uri: UriLike) -> Target:
        location = parse_uri(uri)
        if isinstance(location, LocalLocation):
            return Target(location, self._files, str(location.path))
        path = self._objects.bucket_path(location.bucket)
        key = location.key.rstrip("/")
        if key:
            path = self._objects.join(path, key)
        return Target(location, self._objects, path)

    def _object(self, uri: UriLike) -> Target:
        """Resolve a URI that must name one object (not a bucket or folder)."""
        target = self._resolve(uri)
        if isinstance(target.location, ObjectLocation):
            validate_key(target.location.key, uri=target.uri)
        return target

    def _walk(self, target: Target) -> _Uris:
        """Relative keys under a folder; stored keys that would be unsafe are refused."""
        relatives = [rel for rel, _ in target.backend.walk(target.path)]
        if isinstance(target.location, ObjectLocation):
            for rel in relatives:
                child = target.location.child(rel)
                validate_key(child.key, uri=child.uri)
        return relatives

    def _require_bucket(self, target: Target) -> None:
        location = target.location
        if isinstance(location, ObjectLocation) and not self.bucket_exists(location.bucket):
            raise self._missing(target)

    def _missing(self, target: Target) -> NotFoundError:
        if isinstance(target.location, ObjectLocation):  # it may have been deleted meanwhile
            self._known_buckets.discard(target.location.bucket)
        return missing_error(target.location, target.backend, target.path)

    @contextmanager
    def _guard(self, target: Target, action: str, *, writing: bool = False) -> Iterator[None]:
        """Turn backend ``OSError``s into sabio's errors, naming the URI and the fix."""
        try:
            yield
        except SabioError:
            raise
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, FileExistsError) as exc:
            if writing and not isinstance(exc, FileNotFoundError):
                raise conflict_error(target.location, action) from exc
            raise self._missing(target) from exc
        except OSError as exc:
            raise backend_error(target.location, action, exc, self.settings) from exc
        except Exception as exc:
            if not isinstance(target.backend, S3Backend):  # a bug of ours: let it surface
                raise
            raise backend_error(target.location, action, exc, self.settings) from exc


def _local(path: UriLike, role: str) -> Path:
    """A local path given as a path or ``file://`` URI; store URIs are refused."""
    location = parse_uri(path)
    if not isinstance(location, LocalLocation):
        raise ValidationError(
            f"{role} a local path, got the store URI {location.uri}. "
            "Pass a path on this machine (or a file:// URI)."
        )
    return location.path
