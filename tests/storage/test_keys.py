"""URI parsing and key/bucket validation (pure functions, no filesystem)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.exceptions import InvalidKeyError, ValidationError
from sabio.storage import (
    LocalLocation,
    ObjectLocation,
    parse_uri,
    validate_bucket,
    validate_key,
)


def test_parse_uri_s3_object() -> None:
    assert parse_uri("s3://my-bucket/data/train.csv") == ObjectLocation(
        "my-bucket", "data/train.csv"
    )


def test_parse_uri_s3_bucket_and_folder_forms() -> None:
    assert parse_uri("s3://my-bucket") == ObjectLocation("my-bucket", "")
    assert parse_uri("s3://my-bucket/") == ObjectLocation("my-bucket", "")
    assert parse_uri("s3://my-bucket/data/") == ObjectLocation("my-bucket", "data/")


def test_parse_uri_file_and_plain_paths_are_local(tmp_path: Path) -> None:
    assert parse_uri(f"file://{tmp_path}/x.csv") == LocalLocation(tmp_path / "x.csv")
    assert parse_uri(f"file://localhost{tmp_path}") == LocalLocation(tmp_path)
    assert parse_uri(str(tmp_path / "a")) == LocalLocation(tmp_path / "a")
    assert parse_uri(tmp_path / "a") == LocalLocation(tmp_path / "a")
    assert parse_uri("relative/file.csv") == LocalLocation(Path.cwd() / "relative/file.csv")


def test_location_uri_round_trips() -> None:
    location = ObjectLocation("my-bucket", "a/b.txt")
    assert location.uri == "s3://my-bucket/a/b.txt"
    assert ObjectLocation("my-bucket", "a").child("c.txt").uri == "s3://my-bucket/a/c.txt"
    assert ObjectLocation("my-bucket", "").child("c.txt").uri == "s3://my-bucket/c.txt"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s4://bucket/key", "Unsupported URI scheme 's4'"),
        ("S3://bucket/key", "Did you mean 's3://'?"),
        ("gs://bucket/key", "Use s3://bucket/key for the store"),
        ("s3://", "has no bucket"),
        ("s3:///key", "has no bucket"),
        ("s3:/bucket/key", "Malformed S3 URI"),
        ("file://relative/path", "expected file:///absolute/path"),
        ("", "Expected a URI"),
    ],
)
def test_parse_uri_invalid_raises_validation_error(uri: str, expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        parse_uri(uri)


def test_parse_uri_bad_scheme_is_not_a_key_error() -> None:
    with pytest.raises(ValidationError) as info:
        parse_uri("s4://x")
    assert not isinstance(info.value, InvalidKeyError)
    assert "'s4://x'" in str(info.value)


@pytest.mark.parametrize("name", ["abc", "my-bucket", "my.bucket.2", "a" * 63, "0-data"])
def test_validate_bucket_accepts_s3_names(name: str) -> None:
    assert validate_bucket(name) == name


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("ab", "it is 2 characters long"),
        ("a" * 64, "it is 64 characters long"),
        ("My_Bucket", "it contains 'B', 'M', '_'"),
        ("-bucket", "does not start and end with a letter or digit"),
        ("bucket.", "does not start and end with a letter or digit"),
        ("my..bucket", "two adjacent dots"),
        ("192.168.1.1", "formatted as an IP address"),
        ("xn--bucket", "reserved by S3"),
    ],
)
def test_validate_bucket_invalid_names_the_rule(name: str, problem: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_bucket(name)
    message = str(info.value)
    assert f"Bucket name {name!r}" in message
    assert problem in message
    assert "3-63 characters of lowercase letters, digits, dots and hyphens" in message


def test_parse_uri_invalid_bucket_names_the_uri() -> None:
    with pytest.raises(ValidationError, match=r"Bucket name 'Data' in s3://Data/x is invalid"):
        parse_uri("s3://Data/x")


def test_validate_key_dotdot_message_is_exact() -> None:
    with pytest.raises(InvalidKeyError) as info:
        parse_uri("s3://bucket/a/../b")
    assert str(info.value) == (
        "Key 'a/../b' of s3://bucket/a/../b contains '..'. "
        "Keys are paths inside the bucket; remove '..' segments."
    )


@pytest.mark.parametrize(
    ("key", "problem", "fix"),
    [
        ("../etc/passwd", "contains '..'", "remove '..' segments"),
        ("a/..", "contains '..'", "remove '..' segments"),
        ("/etc/passwd", "is absolute (starts with '/')", "remove the leading '/'"),
        ("a\\..\\b", "contains a backslash", "replace '\\' with '/'"),
        ("a\x00b", "contains a NUL character", "Remove it"),
        ("a/./b", "contains a '.' segment", "'a/./b' → 'a/b'"),
        ("a//b", "contains an empty segment", "single '/'"),
        ("a/.sabio-tmp-x", "uses the reserved name prefix", "rename the file"),
        ("é" * 600, "is 1200 bytes long", "at most 1024 bytes"),
        ("data/", "ends with '/', so it names a folder", "Remove the trailing '/'"),
        ("", "is empty", "Name an object inside the bucket"),
    ],
)
def test_validate_key_unsafe_keys_say_what_and_how(key: str, problem: str, fix: str) -> None:
    uri = f"s3://bucket/{key}"
    with pytest.raises(InvalidKeyError) as info:
        validate_key(key, uri=uri)
    message = str(info.value)
    assert message.startswith(f"Key {key!r} of {uri} {problem}")
    assert fix in message


def test_validate_key_folder_form_allows_trailing_slash_and_empty() -> None:
    assert validate_key("data/", uri="s3://bucket/data/", folder=True) == "data/"
    assert validate_key("", uri="s3://bucket/", folder=True) == ""


@pytest.mark.parametrize(
    "key", ["a", "a/b/c.csv", "with space/ünïcode.txt", "*glob?[x].csv", ".hidden"]
)
def test_validate_key_accepts_ordinary_keys(key: str) -> None:
    assert validate_key(key, uri=f"s3://bucket/{key}") == key


def test_invalid_key_error_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        parse_uri("s3://bucket//etc/passwd")


def test_absolute_uri_resolves_relative_local_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sabio.storage import absolute_uri

    monkeypatch.chdir(tmp_path)
    assert absolute_uri("file://data/train") == f"file://{tmp_path}/data/train"
    assert absolute_uri("file://./data/") == f"file://{tmp_path}/data/"
    assert absolute_uri("model.tar.gz") == f"file://{tmp_path}/model.tar.gz"
    assert absolute_uri("file:///abs/x") == "file:///abs/x"
    assert absolute_uri("file://localhost/abs/x") == "file:///abs/x"
    assert absolute_uri("s3://bucket/key/") == "s3://bucket/key/"
