"""Cache keys follow the arguments and the content of the data they read."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.exceptions import ValidationError
from sabio.pipelines import parse_duration
from sabio.pipelines._cache import cache_key
from sabio.session import Session


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT1H", 3600.0),
        ("P30D", 2592000.0),
        ("P1DT2H30M", 95400.0),
        ("PT45S", 45.0),
        ("P2W", 1209600.0),
    ],
)
def test_cache_durations(text: str, seconds: float) -> None:
    assert parse_duration(text, "S") == seconds


def test_cache_bad_duration_names_the_step() -> None:
    with pytest.raises(ValidationError, match="Step 'Train': CacheConfig expire_after '1h'"):
        parse_duration("1h", "Train")


def test_cache_key_changes_with_input_content_not_with_output_content(
    sabio_home: Path, tmp_path: Path
) -> None:
    session = Session()
    (tmp_path / "a.csv").write_text("1,2\n")
    uri = session.upload_data(str(tmp_path / "a.csv"), key_prefix="cache/in")
    prefix = uri.rsplit("/", 1)[0]
    arguments = {
        "InputDataConfig": [
            {"ChannelName": "train", "DataSource": {"S3DataSource": {"S3Uri": prefix}}}
        ],
        "OutputDataConfig": {"S3OutputPath": f"s3://{session.default_bucket()}/cache/out"},
    }
    store = session.store
    first = cache_key(store, "Training", arguments)
    store.put_bytes(f"s3://{session.default_bucket()}/cache/out/model.tar.gz", b"new output")
    assert cache_key(store, "Training", arguments) == first
    store.put_bytes(uri, b"1,3\n")
    assert cache_key(store, "Training", arguments) != first
