"""``sabio.s3``: SageMaker's ``sagemaker.s3`` — moving data in and out of the store.

``S3Uploader`` and ``S3Downloader`` work on the session's store (a local folder per bucket
by default, or a real S3-protocol server), with SageMaker's signatures and return values.

Example:
    >>> from sabio.s3 import parse_s3_url, s3_path_join
    >>> s3_path_join("s3://", "bucket", "/insurance/", "train.csv")
    's3://bucket/insurance/train.csv'
    >>> parse_s3_url("s3://bucket/insurance/train.csv")
    ('bucket', 'insurance/train.csv')
    >>> from sabio.s3 import S3Uploader
    >>> S3Uploader.upload("data/train.csv", "s3://sabio-default/insurance")  # doctest: +SKIP
    's3://sabio-default/insurance/train.csv'
"""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlparse

if TYPE_CHECKING:
    from sabio.session import Session

__all__ = ["S3Downloader", "S3Uploader", "parse_s3_url", "s3_path_join"]


def parse_s3_url(url: str) -> tuple[str, str]:
    """Split ``s3://bucket/key`` into ``(bucket, key)``.

    Raises:
        ValueError: ``url`` is not an ``s3://`` URL (SageMaker's message).
    """
    parsed = urlparse(url)
    if parsed.scheme != "s3":
        raise ValueError(f"Expecting 's3' scheme, got: {parsed.scheme} in {url}.")
    return parsed.netloc, parsed.path.lstrip("/")


def s3_path_join(*args: str | None, with_end_slash: bool = False) -> str:
    """Join S3 path parts with single ``/``, keeping a leading ``s3://``.

    ``None`` and empty parts are skipped, and the slashes around each part collapse, as
    SageMaker's ``s3_path_join`` does (so an unset ``default_bucket_prefix`` drops out).

    Example:
        >>> s3_path_join("s3://", "bucket", None, "a/", "/b", with_end_slash=True)
        's3://bucket/a/b/'
    """
    parts = [str(a) for a in args if a is not None and a != ""]
    scheme = ""
    if parts and parts[0].startswith("s3://"):
        scheme, parts[0] = "s3://", parts[0][len("s3://") :]
    joined = scheme + "/".join(piece for part in parts for piece in part.split("/") if piece)
    if with_end_slash and not joined.endswith("/"):
        joined += "/"
    return joined


def _session(sagemaker_session: Session | None) -> Session:
    if sagemaker_session is not None:
        return sagemaker_session
    from sabio.session import Session

    return Session()


class S3Uploader:
    """SageMaker's ``S3Uploader``: put local files, strings and bytes into the store."""

    @staticmethod
    def upload(
        local_path: str | Path,
        desired_s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
        callback: Any = None,
    ) -> str:
        """Upload a file or a folder under ``desired_s3_uri``; return the uploaded URI.

        A file lands at ``<desired_s3_uri>/<file name>`` (its URI is returned); a folder's
        files keep their relative paths (``desired_s3_uri`` is returned).
        """
        bucket, key_prefix = parse_s3_url(desired_s3_uri)
        return _session(sagemaker_session).upload_data(
            path=local_path, bucket=bucket, key_prefix=key_prefix
        )

    @staticmethod
    def upload_string_as_file_body(
        body: str,
        desired_s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> str:
        """Write ``body`` as the object ``desired_s3_uri``; return its URI."""
        bucket, key = parse_s3_url(desired_s3_uri)
        return _session(sagemaker_session).upload_string_as_file_body(body, bucket, key)

    @staticmethod
    def upload_bytes(
        b: bytes | IO[bytes],
        s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> str:
        """Write bytes (or a binary file object's content) as the object ``s3_uri``."""
        parse_s3_url(s3_uri)
        data = b if isinstance(b, bytes | bytearray) else b.read()
        _session(sagemaker_session).store.put_bytes(s3_uri, bytes(data))
        return s3_uri


class S3Downloader:
    """SageMaker's ``S3Downloader``: read, list and download what is in the store."""

    @staticmethod
    def download(
        s3_uri: str,
        local_path: str | Path,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> builtins.list[str]:
        """Download an object, or every object under a prefix, into ``local_path``.

        Returns:
            The local paths written.
        """
        bucket, key_prefix = parse_s3_url(s3_uri)
        return _session(sagemaker_session).download_data(
            path=local_path, bucket=bucket, key_prefix=key_prefix
        )

    @staticmethod
    def read_file(s3_uri: str, sagemaker_session: Session | None = None) -> str:
        """Return an object's content as text (UTF-8)."""
        bucket, key = parse_s3_url(s3_uri)
        return _session(sagemaker_session).read_s3_file(bucket, key)

    @staticmethod
    def read_bytes(s3_uri: str, sagemaker_session: Session | None = None) -> bytes:
        """Return an object's content."""
        parse_s3_url(s3_uri)
        return _session(sagemaker_session).store.get_bytes(s3_uri)

    @staticmethod
    def list(s3_uri: str, sagemaker_session: Session | None = None) -> builtins.list[str]:
        """The ``s3://`` URIs of the objects under ``s3_uri`` (a prefix), sorted."""
        bucket, key_prefix = parse_s3_url(s3_uri)
        keys = _session(sagemaker_session).list_s3_files(bucket, key_prefix)
        return [s3_path_join("s3://", bucket, key) for key in keys]
