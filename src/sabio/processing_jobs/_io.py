"""Copying a processing job's inputs in and its outputs out (SageMaker's File mode and
``EndOfJob`` uploads), through the store."""

from __future__ import annotations

import shutil
from pathlib import Path

from sabio.exceptions import NotFoundError, ValidationError
from sabio.processing_jobs._spec import ProcessingInputSpec
from sabio.storage import Store
from sabio.training._channels import channel_files
from sabio.transform._reader import list_inputs

__all__ = ["check_input", "input_files", "materialize", "upload_output"]


def _local(uri: str) -> Path | None:
    if uri.startswith("file://"):
        return Path(uri[len("file://") :])
    if "://" not in uri:
        return Path(uri).expanduser()
    return None


def input_files(store: Store, item: ProcessingInputSpec) -> list[tuple[str, str]]:
    """``(source, path relative to the destination)`` of every file of an input, sorted.

    ``S3Prefix``: an object gives itself; a prefix or folder every file under it, keeping
    the path below the prefix. ``ManifestFile``: the files the manifest lists.
    """
    if item.data_type == "ManifestFile":
        return [(f.uri, f.relative) for f in list_inputs(store, item.uri, "ManifestFile")]
    return channel_files(store, item.uri)


def check_input(store: Store, job: str, item: ProcessingInputSpec) -> int:
    """Refuse, before the job exists, an input that is missing or empty; return its count.

    Raises:
        NotFoundError: a local source that does not exist.
        ValidationError: nothing under the source.
    """
    local = _local(item.uri)
    if local is not None and not local.exists():
        raise NotFoundError(
            f"Input {item.name!r} of processing job {job!r} points at {item.uri}, which does "
            "not exist. Pass an existing file or folder, or an s3:// URI from "
            "Session.upload_data()."
        )
    count = len(input_files(store, item))
    if count == 0:
        raise ValidationError(
            f"Input {item.name!r} of processing job {job!r} is empty: expected at least one "
            f"object under {item.uri}. Upload data with Session.upload_data(path, "
            "key_prefix=...) and pass the URI it returns."
        )
    return count


def materialize(
    store: Store, item: ProcessingInputSpec, dest: Path, host_index: int, host_count: int
) -> int:
    """Copy an input's files (this host's shard of them with ``ShardedByS3Key``) into
    ``dest``; return how many."""
    files = input_files(store, item)
    if item.distribution == "ShardedByS3Key":
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


def upload_output(store: Store, folder: Path, uri: str) -> int:
    """Upload every file under ``folder`` to ``uri`` (keeping relative paths); return how
    many. A local ``uri`` (``file://`` or a path) gets a copy."""
    if not folder.is_dir():
        return 0
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    local = _local(uri)
    for path in files:
        relative = path.relative_to(folder).as_posix()
        if local is not None:
            target = local / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        else:
            store.put_file(path, f"{uri.rstrip('/')}/{relative}")
    return len(files)
