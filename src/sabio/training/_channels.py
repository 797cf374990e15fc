"""Putting channel data into each host's ``input/data/<channel>`` folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from sabio.exceptions import NotFoundError, ValidationError
from sabio.storage import Store
from sabio.training._spec import ChannelSpec

__all__ = ["channel_files", "check_channel", "materialize"]


def _local_path(uri: str) -> Path | None:
    if uri.startswith("file://"):
        return Path(uri[len("file://") :])
    if "://" not in uri:
        return Path(uri).expanduser()
    return None


def channel_files(store: Store, uri: str) -> list[tuple[str, str]]:
    """``(source, relative path)`` of every file of a channel, sorted by key.

    A URI naming one object or file gives that file; a prefix or folder gives every
    file under it with its path relative to the prefix (SageMaker's S3Prefix layout).
    """
    local = _local_path(uri)
    if local is not None:
        if local.is_file():
            return [(str(local), local.name)]
        if local.is_dir():
            return [
                (str(p), p.relative_to(local).as_posix())
                for p in sorted(local.rglob("*"))
                if p.is_file()
            ]
        return []
    if store.exists(uri) and not store.is_prefix(uri):
        return [(uri, uri.rstrip("/").rsplit("/", 1)[-1])]
    prefix = uri.rstrip("/") + "/"
    return [(obj, obj[len(prefix) :]) for obj in store.list(uri) if obj.startswith(prefix)]


def check_channel(store: Store, job_name: str, name: str, channel: ChannelSpec) -> int:
    """Fail early, before the job exists, when a channel is missing or empty."""
    local = _local_path(channel.uri)
    if local is not None and not local.exists():
        raise NotFoundError(
            f"Channel {name!r} of job {job_name!r} points at {channel.uri}, which does not "
            "exist. Pass an existing file or folder, or an s3:// URI from Session.upload_data()."
        )
    count = len(channel_files(store, channel.uri))
    if count == 0:
        raise ValidationError(
            f"Channel {name!r} of job {job_name!r} is empty: expected at least one file under "
            f"{channel.uri}. Upload data with Session.upload_data(path, key_prefix=...) and "
            "pass the URI it returns."
        )
    return count


def materialize(
    store: Store, channel: ChannelSpec, dest: Path, host_index: int, host_count: int
) -> int:
    """Copy a channel's files (this host's shard of them) into ``dest``; returns the count."""
    files = channel_files(store, channel.uri)
    if channel.distribution == "ShardedByS3Key":
        files = files[host_index::host_count]
    dest.mkdir(parents=True, exist_ok=True)
    for source, relative in files:
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if "://" in source:
            store.get_file(source, target)
        else:
            shutil.copyfile(source, target)
    return len(files)
