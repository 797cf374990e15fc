"""The data and artifact store: SageMaker-style ``s3://bucket/key`` URIs over fsspec.

``file://`` (a folder per bucket under the workspace, the default) or a real S3-protocol
server through s3fs, chosen by ``Settings.store_url``. See :class:`Store`.
"""

from __future__ import annotations

from sabio.storage._archive import ArchiveError, ArchiveLimits, extract_archive
from sabio.storage._keys import (
    LocalLocation,
    ObjectLocation,
    absolute_uri,
    parse_uri,
    validate_bucket,
    validate_key,
)
from sabio.storage._store import Store, UriLike

__all__ = [
    "ArchiveError",
    "ArchiveLimits",
    "LocalLocation",
    "ObjectLocation",
    "Store",
    "UriLike",
    "absolute_uri",
    "extract_archive",
    "parse_uri",
    "validate_bucket",
    "validate_key",
]
