"""``sabio.utils``: SageMaker's name helpers and the one generated-name format."""

from __future__ import annotations

import re

from sabio.training import check_job_name
from sabio.tuning import check_tuning_job_name
from sabio.utils import name_from_base, unique_name, unique_name_from_base

_STAMP = r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}"


def test_name_from_base_appends_millisecond_timestamp() -> None:
    assert re.fullmatch(rf"insurance-{_STAMP}", name_from_base("insurance"))


def test_name_from_base_short_appends_minute_timestamp() -> None:
    assert re.fullmatch(r"insurance-\d{6}-\d{4}", name_from_base("insurance", short=True))


def test_name_from_base_trims_base_to_max_length() -> None:
    name = name_from_base("x" * 100, max_length=32)
    assert len(name) == 32
    assert name.startswith("x" * 8 + "-")


def test_unique_name_from_base_is_seconds_and_hex() -> None:
    name = unique_name_from_base("experiment")
    assert re.fullmatch(r"experiment-\d{10}-[0-9a-f]{4}", name)
    assert len(unique_name_from_base("y" * 100, max_length=40)) == 40


def test_unique_name_sanitises_base() -> None:
    assert re.fullmatch(rf"my-model-v2-{_STAMP}", unique_name("__my_model v2!"))


def test_unique_name_empty_base_is_sabio() -> None:
    assert re.fullmatch(rf"sabio-{_STAMP}", unique_name("_/_"))


def test_unique_name_long_base_fits_job_name_rule() -> None:
    name = unique_name("a" * 38 + "-" + "b" * 40)
    assert len(name) <= 63
    assert not name.startswith("a" * 38 + "--")
    assert check_job_name(name) == name


def test_unique_name_max_length_fits_tuning_rule() -> None:
    name = unique_name("insurance-tuning", max_length=32)
    assert len(name) <= 32
    assert re.fullmatch(rf"insuranc-{_STAMP}", name)
    assert check_tuning_job_name(name) == name
