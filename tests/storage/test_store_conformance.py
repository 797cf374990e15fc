"""The conformance suite every store implementation runs (local folder and S3 on moto).

The ``store`` fixture is parametrized over the implementations; a test here must hold for
all of them, so that code written against the local store behaves the same on S3.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sabio.exceptions import InvalidKeyError, NotFoundError, ValidationError
from sabio.storage import Store


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small nested folder to upload."""
    root = tmp_path / "dataset"
    (root / "train" / "part").mkdir(parents=True)
    (root / "validation").mkdir()
    (root / "README.txt").write_bytes(b"readme")
    (root / "train" / "a.csv").write_bytes(b"1,2\n")
    (root / "train" / "part" / "b.csv").write_bytes(b"3,4\n")
    (root / "validation" / "c.csv").write_bytes(b"5,6\n")
    return root


# -- bytes and files -------------------------------------------------------------------------


def test_store_put_get_bytes_round_trip(store: Store, bucket: str) -> None:
    uri = f"s3://{bucket}/dir/obj.bin"
    store.put_bytes(uri, b"\x00\x01payload")
    assert store.get_bytes(uri) == b"\x00\x01payload"
    store.put_bytes(uri, b"new")
    assert store.get_bytes(uri) == b"new"


def test_store_put_bytes_empty_object(store: Store, bucket: str) -> None:
    uri = f"s3://{bucket}/empty"
    store.put_bytes(uri, b"")
    assert store.exists(uri)
    assert store.get_bytes(uri) == b""
    assert store.size(uri) == 0


def test_store_put_get_file_round_trip(store: Store, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "model.json"
    source.write_text('{"w": 1}')
    store.put_file(source, f"s3://{bucket}/models/model.json")
    out = store.get_file(f"s3://{bucket}/models/model.json", tmp_path / "out" / "m.json")
    assert out == tmp_path / "out" / "m.json"
    assert out.read_text() == '{"w": 1}'
    into_dir = store.get_file(f"s3://{bucket}/models/model.json", tmp_path / "out")
    assert into_dir == tmp_path / "out" / "model.json"


def test_store_put_file_folder_is_rejected(store: Store, bucket: str, folder: Path) -> None:
    with pytest.raises(ValidationError, match="Use upload\\(\\) for folders"):
        store.put_file(folder, f"s3://{bucket}/x")


def test_store_special_character_keys_round_trip(store: Store, bucket: str) -> None:
    keys = ["with space/ünï code.txt", "glob/*star?[x].csv", "glob/plain.csv", ".hidden"]
    for key in keys:
        store.put_bytes(f"s3://{bucket}/{key}", key.encode())
    for key in keys:
        assert store.get_bytes(f"s3://{bucket}/{key}") == key.encode()
    assert store.list(f"s3://{bucket}/glob") == [
        f"s3://{bucket}/glob/*star?[x].csv",
        f"s3://{bucket}/glob/plain.csv",
    ]
    assert store.delete(f"s3://{bucket}/glob/*star?[x].csv") == 1
    assert store.list(f"s3://{bucket}/glob") == [f"s3://{bucket}/glob/plain.csv"]


def test_store_size_of_object_and_folder(store: Store, bucket: str) -> None:
    store.put_bytes(f"s3://{bucket}/d/a", b"123")
    store.put_bytes(f"s3://{bucket}/d/e/b", b"4567")
    assert store.size(f"s3://{bucket}/d/a") == 3
    assert store.size(f"s3://{bucket}/d") == 7
    assert store.size(f"s3://{bucket}/") == 7


# -- upload and download (SageMaker's Session.upload_data shapes) ----------------------------


def test_store_upload_file_returns_object_uri(store: Store, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "insurance.csv"
    source.write_text("age,charges\n19,16884.9\n")
    uri = store.upload(source, bucket, key_prefix="insurance")
    assert uri == f"s3://{bucket}/insurance/insurance.csv"
    assert store.get_bytes(uri) == source.read_bytes()


def test_store_upload_folder_returns_prefix_uri(store: Store, bucket: str, folder: Path) -> None:
    uri = store.upload(folder, bucket, key_prefix="datasets/v1")
    assert uri == f"s3://{bucket}/datasets/v1"
    assert store.list(uri) == [
        f"s3://{bucket}/datasets/v1/README.txt",
        f"s3://{bucket}/datasets/v1/train/a.csv",
        f"s3://{bucket}/datasets/v1/train/part/b.csv",
        f"s3://{bucket}/datasets/v1/validation/c.csv",
    ]


def test_store_upload_key_prefix_trailing_slash_is_ignored(
    store: Store, bucket: str, folder: Path
) -> None:
    assert store.upload(folder, bucket, key_prefix="data/") == f"s3://{bucket}/data"
    assert store.exists(f"s3://{bucket}/data/train/a.csv")


def test_store_upload_without_bucket_uses_default_bucket(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("1\n")
    uri = store.upload(source)
    assert uri == f"s3://{store.settings.default_bucket}/data/x.csv"
    assert store.get_bytes(uri) == b"1\n"


def test_store_upload_missing_path_raises_not_found(
    store: Store, bucket: str, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError, match="no such file or folder"):
        store.upload(tmp_path / "nope", bucket)


def test_store_upload_unsafe_prefix_raises_invalid_key(
    store: Store, bucket: str, folder: Path
) -> None:
    with pytest.raises(InvalidKeyError, match=r"contains '\.\.'"):
        store.upload(folder, bucket, key_prefix="../escape")
    with pytest.raises(InvalidKeyError, match="is absolute"):
        store.upload(folder, bucket, key_prefix="/abs")
    assert store.list(f"s3://{bucket}/") == []


def test_store_upload_to_missing_bucket_raises_not_found(
    store: Store, bucket: str, folder: Path
) -> None:
    with pytest.raises(NotFoundError, match=r"Bucket 'no-such-bucket-x1' .* does not exist"):
        store.upload(folder, "no-such-bucket-x1")


def test_store_download_folder_preserves_layout(
    store: Store, bucket: str, folder: Path, tmp_path: Path
) -> None:
    uri = store.upload(folder, bucket, key_prefix="ds")
    paths = store.download(uri, tmp_path / "down")
    assert paths == sorted(paths)
    assert [p.relative_to(tmp_path / "down").as_posix() for p in paths] == [
        "README.txt",
        "train/a.csv",
        "train/part/b.csv",
        "validation/c.csv",
    ]
    assert _tree(tmp_path / "down") == _tree(folder)


def test_store_download_subfolder_and_object(
    store: Store, bucket: str, folder: Path, tmp_path: Path
) -> None:
    store.upload(folder, bucket, key_prefix="ds")
    sub = store.download(f"s3://{bucket}/ds/train/", tmp_path / "sub")
    assert sub == [tmp_path / "sub" / "a.csv", tmp_path / "sub" / "part" / "b.csv"]
    one = store.download(f"s3://{bucket}/ds/train/a.csv", tmp_path / "one")
    assert one == [tmp_path / "one" / "a.csv"]
    assert one[0].read_bytes() == b"1,2\n"


def test_store_download_missing_raises_not_found(store: Store, bucket: str, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=rf"No object or folder at s3://{bucket}/nothing"):
        store.download(f"s3://{bucket}/nothing", tmp_path)


def test_store_upload_many_small_files(store: Store, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "many"
    for i in range(40):
        (source / f"d{i % 4}").mkdir(parents=True, exist_ok=True)
        (source / f"d{i % 4}" / f"f{i:03d}.txt").write_text(str(i))
    uri = store.upload(source, bucket, key_prefix="many")
    listed = store.list(uri)
    assert len(listed) == 40
    assert listed == sorted(listed)
    assert store.get_bytes(f"{uri}/d3/f039.txt") == b"39"


# -- listing and existence -------------------------------------------------------------------


def test_store_list_non_recursive_shows_subfolders(store: Store, bucket: str, folder: Path) -> None:
    store.upload(folder, bucket, key_prefix="ds")
    assert store.list(f"s3://{bucket}/ds", recursive=False) == [
        f"s3://{bucket}/ds/README.txt",
        f"s3://{bucket}/ds/train/",
        f"s3://{bucket}/ds/validation/",
    ]
    assert store.list(f"s3://{bucket}", recursive=False) == [f"s3://{bucket}/ds/"]


def test_store_list_object_missing_prefix_and_bucket(store: Store, bucket: str) -> None:
    store.put_bytes(f"s3://{bucket}/a/b.txt", b"x")
    store.put_bytes(f"s3://{bucket}/ab.txt", b"x")
    assert store.list(f"s3://{bucket}/a/b.txt") == [f"s3://{bucket}/a/b.txt"]
    assert store.list(f"s3://{bucket}/a") == [f"s3://{bucket}/a/b.txt"]  # folder, not string prefix
    assert store.list(f"s3://{bucket}/missing/") == []
    with pytest.raises(NotFoundError, match="Bucket 'missing-bucket-x1'"):
        store.list("s3://missing-bucket-x1/")


def test_store_exists_and_is_prefix(store: Store, bucket: str) -> None:
    store.put_bytes(f"s3://{bucket}/a/b/c.txt", b"x")
    assert store.exists(f"s3://{bucket}/a/b/c.txt")
    assert not store.is_prefix(f"s3://{bucket}/a/b/c.txt")
    for folder_uri in (f"s3://{bucket}/a", f"s3://{bucket}/a/", f"s3://{bucket}/a/b"):
        assert store.exists(folder_uri)
        assert store.is_prefix(folder_uri)
    assert store.exists(f"s3://{bucket}")
    assert store.is_prefix(f"s3://{bucket}/")
    assert not store.exists(f"s3://{bucket}/a/b/c")
    assert not store.exists(f"s3://{bucket}/a/b/c.txt/")
    assert not store.is_prefix(f"s3://{bucket}/zzz")
    assert not store.exists("s3://missing-bucket-x1/a")
    assert not store.is_prefix("s3://missing-bucket-x1/")


def test_store_buckets_create_default_and_list(store: Store) -> None:
    name = store.default_bucket()
    assert name == store.settings.default_bucket
    assert store.default_bucket() == name  # idempotent
    assert store.bucket_exists(name)
    assert name in store.list_buckets()
    store.create_bucket(name)  # existing: no error
    with pytest.raises(ValidationError, match="Bucket name 'Bad_Name' is invalid"):
        store.create_bucket("Bad_Name")


# -- delete ----------------------------------------------------------------------------------


def test_store_delete_object(store: Store, bucket: str) -> None:
    store.put_bytes(f"s3://{bucket}/d/x", b"1")
    store.put_bytes(f"s3://{bucket}/d/y", b"2")
    assert store.delete(f"s3://{bucket}/d/x") == 1
    assert not store.exists(f"s3://{bucket}/d/x")
    assert store.list(f"s3://{bucket}/") == [f"s3://{bucket}/d/y"]


def test_store_delete_folder_needs_recursive(store: Store, bucket: str, folder: Path) -> None:
    uri = store.upload(folder, bucket, key_prefix="ds")
    store.put_bytes(f"s3://{bucket}/keep.txt", b"k")
    with pytest.raises(ValidationError, match=r"is a folder, not an object\. Pass recursive=True"):
        store.delete(uri)
    assert store.delete(uri, recursive=True) == 4
    assert not store.exists(uri)
    assert not store.is_prefix(uri)
    assert store.list(f"s3://{bucket}/", recursive=False) == [f"s3://{bucket}/keep.txt"]
    assert store.bucket_exists(bucket)


def test_store_delete_missing(store: Store, bucket: str) -> None:
    with pytest.raises(NotFoundError, match=rf"No object or folder at s3://{bucket}/ghost"):
        store.delete(f"s3://{bucket}/ghost")
    assert store.delete(f"s3://{bucket}/ghost", missing_ok=True) == 0
    assert store.delete("s3://missing-bucket-x1/ghost", missing_ok=True) == 0


def test_store_delete_local_path_is_refused(store: Store, tmp_path: Path) -> None:
    victim = tmp_path / "precious.csv"
    victim.write_text("keep me")
    with pytest.raises(ValidationError, match="Refusing to delete local files"):
        store.delete(str(victim))
    assert victim.read_text() == "keep me"


# -- open (streaming, atomic) ----------------------------------------------------------------


def test_store_open_binary_and_text(store: Store, bucket: str) -> None:
    with store.open(f"s3://{bucket}/t/bin", "wb") as fh:
        fh.write(b"ab")
        fh.write(b"cd")
    with store.open(f"s3://{bucket}/t/bin", "rb") as fh:
        assert fh.read() == b"abcd"
    with store.open(f"s3://{bucket}/t/text.txt", "w") as fh:
        fh.write("héllo\nworld\n")
    with store.open(f"s3://{bucket}/t/text.txt", "r") as fh:
        assert fh.read().splitlines() == ["héllo", "world"]


def test_store_open_write_error_publishes_nothing(store: Store, bucket: str) -> None:
    uri = f"s3://{bucket}/t/partial"
    store.put_bytes(uri, b"old")
    with pytest.raises(RuntimeError, match="boom"), store.open(uri, "wb") as fh:
        fh.write(b"half")
        raise RuntimeError("boom")
    assert store.get_bytes(uri) == b"old"
    fresh = f"s3://{bucket}/t/fresh.txt"
    with pytest.raises(RuntimeError, match="boom"), store.open(fresh, "w") as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert not store.exists(fresh)
    assert store.list(f"s3://{bucket}/t/") == [uri]


def test_store_open_bad_mode_raises_validation_error(store: Store, bucket: str) -> None:
    with pytest.raises(ValidationError, match="Unsupported mode 'a'"):
        store.open(f"s3://{bucket}/x", "a")


# -- errors ----------------------------------------------------------------------------------


def test_store_missing_object_suggests_sibling_and_ls(store: Store, bucket: str) -> None:
    store.put_bytes(f"s3://{bucket}/data/train.csv", b"x")
    with pytest.raises(NotFoundError) as info:
        store.get_bytes(f"s3://{bucket}/data/trian.csv")
    message = str(info.value)
    assert f"No object or folder at s3://{bucket}/data/trian.csv." in message
    assert "Did you mean 'train.csv'?" in message
    assert f"`sabio data ls s3://{bucket}/data/`" in message
    assert isinstance(info.value, LookupError)


def test_store_missing_bucket_suggests_existing_bucket(store: Store, bucket: str) -> None:
    typo = bucket[:-1] + ("x" if bucket[-1] != "x" else "y")
    with pytest.raises(NotFoundError) as info:
        store.get_bytes(f"s3://{typo}/a.csv")
    message = str(info.value)
    assert f"Bucket '{typo}' of s3://{typo}/a.csv does not exist." in message
    assert f"Did you mean '{bucket}'?" in message
    assert f"Store.create_bucket('{typo}')" in message


def test_store_reading_a_folder_says_it_is_a_folder(store: Store, bucket: str) -> None:
    store.put_bytes(f"s3://{bucket}/data/train.csv", b"x")
    with pytest.raises(NotFoundError, match=rf"s3://{bucket}/data is a folder, not an object"):
        store.get_bytes(f"s3://{bucket}/data")
    with pytest.raises(NotFoundError, match="is a folder, not an object"):
        store.open(f"s3://{bucket}/data", "rb")


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("a/../b", "contains '..'"),
        ("/etc/passwd", "is absolute"),
        ("a\\b", "contains a backslash"),
        ("dir/", "ends with '/'"),
    ],
)
def test_store_unsafe_keys_are_refused_everywhere(
    store: Store, bucket: str, tmp_path: Path, key: str, problem: str
) -> None:
    uri = f"s3://{bucket}/{key}"
    source = tmp_path / "f.txt"
    source.write_text("x")
    calls: list[Callable[[], object]] = [
        lambda: store.put_bytes(uri, b"x"),
        lambda: store.get_bytes(uri),
        lambda: store.put_file(source, uri),
        lambda: store.open(uri, "wb"),
    ]
    for call in calls:
        with pytest.raises(InvalidKeyError, match=problem):
            call()
    assert store.list(f"s3://{bucket}/") == []


def test_store_bad_uris_raise_validation_error(store: Store) -> None:
    for uri in ("s4://x", "s3://", "s3://UPPER/key"):
        with pytest.raises(ValidationError):
            store.exists(uri)


# -- local inputs (file:// and plain paths) work with every store ----------------------------


def test_store_reads_local_paths_directly(store: Store, folder: Path, tmp_path: Path) -> None:
    assert store.exists(f"file://{folder}/train/a.csv")
    assert store.is_prefix(str(folder))
    assert store.get_bytes(f"file://{folder}/train/a.csv") == b"1,2\n"
    assert store.list(f"file://{folder}/train") == [
        f"file://{folder}/train/a.csv",
        f"file://{folder}/train/part/b.csv",
    ]
    paths = store.download(f"file://{folder}", tmp_path / "copy")
    assert len(paths) == 4
    assert _tree(tmp_path / "copy") == _tree(folder)
    assert store.size(str(folder / "README.txt")) == 6
    with pytest.raises(NotFoundError, match="No file or folder at"):
        store.get_bytes(str(tmp_path / "missing.csv"))


def test_store_writes_file_uris(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "out" / "model.tar.gz"
    store.put_bytes(f"file://{target}", b"tar")
    assert target.read_bytes() == b"tar"


def test_store_local_arguments_accept_file_uris(
    store: Store, bucket: str, folder: Path, tmp_path: Path
) -> None:
    uri = store.upload(f"file://{folder}", bucket, key_prefix="ds")
    assert uri == f"s3://{bucket}/ds"
    paths = store.download(uri, f"file://{tmp_path / 'down'}")
    assert paths[0] == tmp_path / "down" / "README.txt"
    with pytest.raises(ValidationError, match="upload\\(\\) reads from a local path"):
        store.upload(f"s3://{bucket}/ds", bucket)
