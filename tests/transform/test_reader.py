"""Cutting input files into requests (streaming) and finding input files."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pytest

from sabio._config import load_settings
from sabio.exceptions import NotFoundError, ValidationError
from sabio.storage import Store
from sabio.transform._reader import iter_batches, list_inputs

TEXT = b"".join(f"{i},{i}\n".encode() for i in range(1, 101))


def _batches(data: bytes, **kwargs: object) -> list[tuple[bytes, int, int]]:
    options: dict[str, object] = {
        "source": "s3://b/f.csv",
        "split_line": True,
        "single_record": False,
        "max_bytes": 64,
    }
    options.update(kwargs)
    return [
        (b.body, b.first_line, b.last_line)
        for b in iter_batches(io.BytesIO(data), **options)  # type: ignore[arg-type]
    ]


def test_iter_batches_multi_record_cuts_whole_lines() -> None:
    batches = _batches(TEXT)
    assert b"".join(body for body, _, _ in batches) == TEXT
    assert all(len(body) <= 64 and body.endswith(b"\n") for body, _, _ in batches)
    assert batches[0][1] == 1
    for (body, first, last), (_, following, _) in itertools.pairwise(batches):
        assert last - first + 1 == body.count(b"\n")
        assert following == last + 1
    assert batches[-1][2] == 100


def test_iter_batches_single_record_skips_blank_lines() -> None:
    batches = _batches(b"1,2\n\n3,4\r\n", single_record=True)
    assert batches == [(b"1,2", 1, 1), (b"3,4", 3, 3)]


def test_iter_batches_last_line_without_newline() -> None:
    assert _batches(b"1,2\n3,4")[-1][0].endswith(b"3,4")


def test_iter_batches_split_none_is_one_request() -> None:
    assert _batches(b"{}\n", split_line=False) == [(b"{}\n", 1, 2)]
    with pytest.raises(ValidationError, match=r"larger than max_payload.*split_type=.Line."):
        _batches(TEXT, split_line=False)


def test_iter_batches_record_longer_than_max_payload() -> None:
    long_line = b"1,2\n" + b"9" * 100 + b"\n"
    with pytest.raises(ValidationError, match=r"f\.csv, line 2: the record is larger"):
        _batches(long_line)
    with pytest.raises(ValidationError, match="line 2"):
        _batches(long_line, single_record=True)


def test_list_inputs_prefix_folder_object_and_manifest(sabio_home: Path, tmp_path: Path) -> None:
    store = Store(load_settings())
    for name in ("part-1.csv", "part-2.csv", "other.csv", "sub/part-3.csv"):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_text("1\n")
    store.upload(tmp_path / "in", store.default_bucket(), "d")
    folder = list_inputs(store, "s3://sabio-default/d/", "S3Prefix")
    assert [f.relative for f in folder] == [
        "other.csv",
        "part-1.csv",
        "part-2.csv",
        "sub/part-3.csv",
    ]
    prefix = list_inputs(store, "s3://sabio-default/d/part", "S3Prefix")
    assert [f.relative for f in prefix] == ["part-1.csv", "part-2.csv"]
    (one,) = list_inputs(store, "s3://sabio-default/d/other.csv", "S3Prefix")
    assert one.relative == "other.csv"
    manifest = [{"prefix": "s3://sabio-default/d/"}, "part-2.csv", "sub/part-3.csv"]
    store.put_bytes("s3://sabio-default/m.json", json.dumps(manifest).encode())
    listed = list_inputs(store, "s3://sabio-default/m.json", "ManifestFile")
    assert [f.uri for f in listed] == [
        "s3://sabio-default/d/part-2.csv",
        "s3://sabio-default/d/sub/part-3.csv",
    ]
    store.put_bytes("s3://sabio-default/bad.json", b'{"prefix": 1}')
    with pytest.raises(ValidationError, match="must be a JSON list"):
        list_inputs(store, "s3://sabio-default/bad.json", "ManifestFile")
    with pytest.raises(NotFoundError, match="No input files under"):
        list_inputs(store, "s3://sabio-default/zzz", "S3Prefix")
