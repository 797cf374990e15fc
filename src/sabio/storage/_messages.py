"""Error messages of the store: what was wrong, where, and how to fix it."""

from __future__ import annotations

from sabio._config import Settings
from sabio.exceptions import NotFoundError, StorageError, did_you_mean
from sabio.storage._backend import Backend
from sabio.storage._keys import LocalLocation, ObjectLocation

__all__ = ["backend_error", "conflict_error", "missing_error"]


def missing_error(
    location: ObjectLocation | LocalLocation, backend: Backend, path: str
) -> NotFoundError:
    """Build the error for a missing bucket, object or folder (best effort on the hints)."""
    if isinstance(location, LocalLocation):
        return NotFoundError(
            f"No file or folder at {location.path}. Check the path "
            "(relative paths start at the current folder)."
        )
    bucket = location.bucket
    try:
        bucket_found = backend.bucket_exists(bucket)
        buckets = [] if bucket_found else backend.list_buckets()
    except Exception:  # the hint must never hide the real error
        bucket_found, buckets = True, []
    if not bucket_found:
        return NotFoundError(
            f"Bucket {bucket!r} of {location.uri} does not exist.{did_you_mean(bucket, buckets)} "
            f"Create it with Store.create_bucket({bucket!r}), or use Session.default_bucket()."
        )
    key = location.key.rstrip("/")
    parent = key.rpartition("/")[0]
    listing = ObjectLocation(bucket, parent + "/" if parent else "").uri
    hint = ""
    try:
        if key and backend.has_objects(path):
            return NotFoundError(
                f"{location.uri} is a folder, not an object. Name one object inside it "
                f"(list them with `sabio data ls {location.uri.rstrip('/')}/`), or use "
                "Store.download() for the whole folder."
            )
        parent_path = backend.bucket_path(bucket)
        if parent:
            parent_path = backend.join(parent_path, parent)
        files, folders = backend.children(parent_path)
        hint = did_you_mean(key.rpartition("/")[2], files + folders)
    except Exception:  # best effort, as above
        pass
    what = "folder" if location.key.endswith("/") or not key else "object or folder"
    return NotFoundError(
        f"No {what} at {location.uri}.{hint} List what is there with `sabio data ls {listing}`."
    )


def conflict_error(location: ObjectLocation | LocalLocation, action: str) -> StorageError:
    """A key that would be both a file and a folder on a local filesystem."""
    return StorageError(
        f"Cannot {action} {location.uri}: on the local filesystem a key cannot be both an "
        "object and a folder (like 'a' and 'a/b'), and the other one already exists. "
        "Use a different key, or delete the existing object first."
    )


def backend_error(
    location: ObjectLocation | LocalLocation, action: str, exc: Exception, settings: Settings
) -> StorageError:
    """Any other failure of the backend (permissions, network, server errors)."""
    detail = f"{type(exc).__name__}: {exc}" if not isinstance(exc, OSError) else str(exc)
    message = f"Could not {action} {location.uri}: {detail}."
    if isinstance(location, ObjectLocation) and settings.store_url.startswith("s3://"):
        endpoint = settings.s3_endpoint_url or "the AWS default"
        message += (
            f" Check the S3 endpoint ({endpoint}; SABIO_S3_ENDPOINT_URL) and the credentials "
            "(SABIO_S3_ACCESS_KEY_ID, SABIO_S3_SECRET_ACCESS_KEY)."
        )
    return StorageError(message)
