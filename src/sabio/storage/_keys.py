"""URI parsing and validation of bucket names and object keys.

The user-facing URIs are SageMaker's: ``s3://bucket/key``. ``file:///abs/path`` and plain
local paths name the local filesystem directly. Everything here is pure string work: no
filesystem access, so the rules are identical for every backend.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sabio.exceptions import InvalidKeyError, ValidationError

__all__ = [
    "RESERVED_PREFIX",
    "LocalLocation",
    "ObjectLocation",
    "absolute_uri",
    "bucket_problem",
    "join_key",
    "parse_uri",
    "validate_bucket",
    "validate_key",
]

#: Name prefix of the local store's in-flight temporary files; reserved in keys.
RESERVED_PREFIX = ".sabio-tmp-"

_MAX_KEY_BYTES = 1024  # S3's limit on the UTF-8 length of a key
_BUCKET_CHARS = re.compile(r"^[a-z0-9.-]+$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):/")
_BUCKET_RULE = (
    "Bucket names are 3-63 characters of lowercase letters, digits, dots and hyphens, "
    "starting and ending with a letter or digit (the S3 naming rules), e.g. 'my-data-1'."
)


@dataclass(frozen=True)
class ObjectLocation:
    """An ``s3://bucket/key`` location in the store.

    ``key`` is ``""`` for the bucket itself and ends with ``/`` when the URI was written as a
    folder (``s3://bucket/data/``).
    """

    bucket: str
    key: str

    @property
    def uri(self) -> str:
        """The canonical ``s3://bucket/key`` form."""
        return f"s3://{self.bucket}/{self.key}"

    @property
    def prefix(self) -> str:
        """The key as a folder prefix: ``""`` or ending with ``/``."""
        key = self.key
        return key if not key or key.endswith("/") else key + "/"

    def child(self, relative: str) -> ObjectLocation:
        """The location ``relative`` below this one, taken as a folder."""
        return ObjectLocation(self.bucket, self.prefix + relative)


@dataclass(frozen=True)
class LocalLocation:
    """A path on the local filesystem (``file:///abs/path`` or a plain path)."""

    path: Path

    @property
    def uri(self) -> str:
        """The ``file://`` form of the path."""
        return f"file://{self.path}"


def bucket_problem(name: str) -> str | None:
    """Return what is wrong with a bucket name, or ``None`` when it follows the S3 rules."""
    if not 3 <= len(name) <= 63:
        return f"it is {len(name)} characters long"
    if not _BUCKET_CHARS.match(name):
        bad = sorted({c for c in name if not re.match(r"[a-z0-9.-]", c)})
        return f"it contains {', '.join(repr(c) for c in bad)}"
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "it does not start and end with a letter or digit"
    if ".." in name:
        return "it contains two adjacent dots"
    if _IPV4.match(name):
        return "it is formatted as an IP address"
    if name.startswith("xn--") or name.endswith("-s3alias"):
        return "it uses a prefix or suffix reserved by S3 ('xn--', '-s3alias')"
    return None


def validate_bucket(name: str, *, uri: str | None = None) -> str:
    """Return ``name`` unchanged if it is a valid S3 bucket name.

    Raises:
        ValidationError: the name breaks an S3 naming rule; the message names the rule.
    """
    problem = bucket_problem(name)
    if problem is not None:
        where = f" in {uri}" if uri else ""
        raise ValidationError(f"Bucket name {name!r}{where} is invalid: {problem}. {_BUCKET_RULE}")
    return name


def validate_key(key: str, *, uri: str, folder: bool = False) -> str:
    """Return ``key`` unchanged if it is a safe object key (or folder prefix).

    Keys are relative, ``/``-separated paths inside a bucket. Rejected: NUL characters,
    backslashes, a leading ``/``, empty, ``.`` or ``..`` segments, segments starting with the
    reserved ``.sabio-tmp-`` and keys longer than 1024 bytes. A trailing ``/`` is accepted only
    when ``folder`` is true; ``""`` (the whole bucket) only then too.

    Raises:
        InvalidKeyError: the message says what was wrong, where, and how to fix it.
    """

    def fail(problem: str, fix: str) -> InvalidKeyError:
        return InvalidKeyError(f"Key {key!r} of {uri} {problem}. {fix}")

    if not key:
        if folder:
            return key
        raise fail("is empty", "Name an object inside the bucket: s3://bucket/path/to/file.")
    if "\x00" in key:
        raise fail("contains a NUL character", "Remove it.")
    if "\\" in key:
        raise fail(
            "contains a backslash",
            "Keys use '/' to separate folders; replace '\\' with '/'.",
        )
    if key.startswith("/"):
        raise fail(
            "is absolute (starts with '/')",
            "Keys are paths inside the bucket; remove the leading '/'.",
        )
    if len(key.encode("utf-8")) > _MAX_KEY_BYTES:
        raise fail(
            f"is {len(key.encode('utf-8'))} bytes long",
            f"Keys may be at most {_MAX_KEY_BYTES} bytes (UTF-8); use a shorter key.",
        )
    body = key
    if key.endswith("/"):
        if not folder:
            raise fail(
                "ends with '/', so it names a folder, not an object",
                "Remove the trailing '/' or use a folder operation (list, download, upload).",
            )
        body = key[:-1]
    for segment in body.split("/"):
        if segment == "..":
            raise fail("contains '..'", "Keys are paths inside the bucket; remove '..' segments.")
        if segment == ".":
            raise fail("contains a '.' segment", "Remove the '.' segments ('a/./b' → 'a/b').")
        if not segment:
            raise fail("contains an empty segment ('//')", "Use single '/' between folders.")
        if segment.startswith(RESERVED_PREFIX):
            raise fail(
                f"uses the reserved name prefix {RESERVED_PREFIX!r}",
                "sabio uses it for in-flight temporary files; rename the file.",
            )
    return key


def join_key(prefix: str, name: str) -> str:
    """Join a folder prefix (with or without a trailing ``/``) and a relative key."""
    if not prefix:
        return name
    return prefix.rstrip("/") + "/" + name


def parse_uri(uri: str | os.PathLike[str]) -> ObjectLocation | LocalLocation:
    """Parse ``s3://bucket/key``, ``file:///abs/path`` or a plain local path.

    The bucket name and the key are validated (a trailing ``/`` is kept: it marks a folder).
    Plain relative paths are made absolute against the current directory.

    Raises:
        ValidationError: unsupported scheme, missing bucket, malformed ``file://`` URI or
            invalid bucket name.
        InvalidKeyError: the key is unsafe (see :func:`validate_key`).
    """
    if isinstance(uri, os.PathLike):
        return LocalLocation(Path(os.fspath(uri)).absolute())
    if not isinstance(uri, str) or not uri:
        raise ValidationError(
            f"Expected a URI such as s3://bucket/key or a local path, got {uri!r}."
        )
    match = _SCHEME.match(uri)
    if match is None or len(match.group(1)) == 1:  # 'C:/…' is a Windows drive, not a scheme
        if "\x00" in uri:
            raise ValidationError(f"Local path {uri!r} contains a NUL character.")
        return LocalLocation(Path(uri).absolute())
    scheme = match.group(1)
    if scheme == "s3":
        return _parse_s3(uri)
    if scheme == "file":
        return _parse_file(uri)
    hint = " Did you mean 's3://'?" if scheme.lower() in {"s3", "s3a", "s3n"} else ""
    raise ValidationError(
        f"Unsupported URI scheme {scheme!r} in {uri!r}.{hint} Use s3://bucket/key for the store, "
        "or file:///absolute/path or a plain path for local files."
    )


def absolute_uri(uri: str) -> str:
    """``uri`` with a local path made absolute: ``file:///abs/path``; other URIs unchanged.

    SageMaker's local mode accepts ``file://`` followed by a relative path
    (``file://./data``, ``file://model.tar.gz``) as well as plain paths, both relative to
    the current directory of the process that passes them. The SDK resolves them once, at
    its edge, so that job processes (whose current directory differs) read the same files.
    A trailing ``/`` (a folder) is kept.

    Example:
        >>> absolute_uri("s3://bucket/key")
        's3://bucket/key'
        >>> absolute_uri("file:///data/train/")
        'file:///data/train/'
    """
    if uri.startswith("file://"):
        rest = uri[len("file://") :]
        if rest.startswith("localhost/"):
            rest = rest[len("localhost") :]
    else:
        match = _SCHEME.match(uri)
        if match is not None and len(match.group(1)) > 1:  # 'C:/…' is a drive, not a scheme
            return uri
        rest = uri
    path = Path(rest).expanduser().absolute()
    folder = "/" if rest.endswith("/") and str(path) != "/" else ""
    return f"file://{path}{folder}"


def _parse_s3(uri: str) -> ObjectLocation:
    if not uri.startswith("s3://"):
        raise ValidationError(
            f"Malformed S3 URI {uri!r}: expected s3://bucket/key (two slashes after 's3:')."
        )
    rest = uri[len("s3://") :]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise ValidationError(
            f"S3 URI {uri!r} has no bucket: expected s3://bucket/key, e.g. s3://sabio-default/data."
        )
    validate_bucket(bucket, uri=uri)
    validate_key(key, uri=uri, folder=True)
    return ObjectLocation(bucket, key)


def _parse_file(uri: str) -> LocalLocation:
    rest = uri[len("file://") :] if uri.startswith("file://") else ""
    if rest.startswith("localhost/"):
        rest = rest[len("localhost") :]
    if not rest.startswith("/"):
        raise ValidationError(
            f"Malformed file URI {uri!r}: expected file:///absolute/path (three slashes), "
            "or pass a plain local path instead."
        )
    if "\x00" in rest:
        raise ValidationError(f"File URI {uri!r} contains a NUL character.")
    return LocalLocation(Path(rest))
