"""Behaviour specific to the local folder store: layout, atomicity, conflicts, speed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sabio._config import Settings, load_settings
from sabio.exceptions import ConfigError, StorageError
from sabio.storage import Store


def _root(store: Store) -> Path:
    return Path(store.settings.store_url.removeprefix("file://"))


def test_local_store_maps_uris_to_bucket_folders(local_store: Store) -> None:
    local_store.create_bucket("my-bucket")
    local_store.put_bytes("s3://my-bucket/data/train.csv", b"a,b\n")
    assert (_root(local_store) / "my-bucket" / "data" / "train.csv").read_bytes() == b"a,b\n"
    assert local_store.local_path("s3://my-bucket/data/train.csv") == (
        _root(local_store) / "my-bucket" / "data" / "train.csv"
    )
    assert local_store.kind == "local"


def test_local_store_default_settings_use_home_store(sabio_home: Path) -> None:
    store = Store(load_settings())
    assert store.settings.store_url == f"file://{sabio_home / 'store'}"
    assert store.default_bucket() == "sabio-default"
    assert (sabio_home / "store" / "sabio-default").is_dir()


def test_local_store_write_failure_keeps_old_object(
    local_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    local_store.create_bucket("atomic")
    local_store.put_bytes("s3://atomic/obj", b"old")

    def crash(src: object, dst: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StorageError, match=r"Could not write s3://atomic/obj: disk on fire"):
        local_store.put_bytes("s3://atomic/obj", b"new content")
    monkeypatch.undo()
    assert local_store.get_bytes("s3://atomic/obj") == b"old"
    assert os.listdir(_root(local_store) / "atomic") == ["obj"]  # temp file cleaned up


def test_local_store_leftover_temp_files_are_invisible(local_store: Store) -> None:
    local_store.create_bucket("atomic")
    local_store.put_bytes("s3://atomic/d/obj", b"x")
    # What a process killed mid-write leaves behind:
    (_root(local_store) / "atomic" / "d" / ".sabio-tmp-abc123").write_bytes(b"half")
    (_root(local_store) / "atomic" / ".sabio-tmp-only").write_bytes(b"half")
    assert local_store.list("s3://atomic/") == ["s3://atomic/d/obj"]
    assert local_store.list("s3://atomic/", recursive=False) == ["s3://atomic/d/"]
    assert local_store.size("s3://atomic/d") == 1


def test_local_store_open_write_is_invisible_until_closed(local_store: Store) -> None:
    local_store.create_bucket("atomic")
    with local_store.open("s3://atomic/stream.bin", "wb") as fh:
        fh.write(b"partial")
        fh.flush()
        assert not local_store.exists("s3://atomic/stream.bin")
    assert local_store.get_bytes("s3://atomic/stream.bin") == b"partial"


def test_local_store_object_folder_conflict_raises_storage_error(local_store: Store) -> None:
    local_store.create_bucket("conflict")
    local_store.put_bytes("s3://conflict/a", b"file")
    with pytest.raises(StorageError, match="a key cannot be both an object and a folder"):
        local_store.put_bytes("s3://conflict/a/b", b"x")
    local_store.put_bytes("s3://conflict/d/e", b"x")
    with pytest.raises(StorageError, match="a key cannot be both an object and a folder"):
        local_store.put_bytes("s3://conflict/d", b"x")
    assert local_store.get_bytes("s3://conflict/a") == b"file"


def test_local_store_delete_prunes_empty_folders_but_keeps_bucket(local_store: Store) -> None:
    local_store.create_bucket("prune")
    local_store.put_bytes("s3://prune/a/b/c/d.txt", b"x")
    local_store.put_bytes("s3://prune/a/keep.txt", b"x")
    local_store.delete("s3://prune/a/b/c/d.txt")
    assert not (_root(local_store) / "prune" / "a" / "b").exists()
    assert (_root(local_store) / "prune" / "a" / "keep.txt").exists()
    local_store.delete("s3://prune/a", recursive=True)
    assert os.listdir(_root(local_store) / "prune") == []
    assert local_store.bucket_exists("prune")


def test_local_store_upload_many_small_files_is_fast(local_store: Store, tmp_path: Path) -> None:
    source = tmp_path / "many"
    for d in range(10):
        (source / f"d{d}").mkdir(parents=True)
        for f in range(50):
            (source / f"d{d}" / f"{f}.txt").write_bytes(b"x" * 64)
    start = time.perf_counter()
    uri = local_store.upload(source, local_store.default_bucket(), key_prefix="many")
    elapsed = time.perf_counter() - start
    assert len(local_store.list(uri)) == 500
    assert elapsed < 5, f"uploading 500 small files took {elapsed:.2f} s"


def test_local_store_relative_store_url_is_rejected(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url="sqlite://", store_url="ftp://x")
    with pytest.raises(ConfigError, match="store_url must start with file:// or s3://"):
        Store(settings)
