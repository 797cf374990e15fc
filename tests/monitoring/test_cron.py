"""Schedule expressions and the periods they analyse."""

from __future__ import annotations

import datetime as dt

import pytest

from sabio.exceptions import ValidationError
from sabio.model_monitor import CronExpressionGenerator
from sabio.monitoring import check_expression, last_period


def _at(hour: int, minute: int = 0) -> float:
    return dt.datetime(2026, 12, 3, hour, minute, tzinfo=dt.UTC).timestamp()


def test_cron_expressions_match_sagemaker() -> None:
    assert CronExpressionGenerator.hourly() == "cron(0 * ? * * *)"
    assert CronExpressionGenerator.daily() == "cron(0 0 ? * * *)"
    assert CronExpressionGenerator.daily(hour=5) == "cron(0 5 ? * * *)"
    assert CronExpressionGenerator.daily_every_x_hours(6, starting_hour=2) == "cron(0 2/6 ? * * *)"
    assert CronExpressionGenerator.now() == "NOW"
    with pytest.raises(ValidationError):
        CronExpressionGenerator.daily(hour=24)


def test_cron_last_period_spans_the_previous_firing() -> None:
    assert last_period("cron(0 * ? * * *)", _at(10, 20)) == (_at(9), _at(10))
    assert last_period("cron(0 2/6 ? * * *)", _at(10, 5)) == (_at(2), _at(8))
    start, end = last_period("cron(0 3 ? * * *)", _at(10))
    assert (end - start, end) == (86400, _at(3))


def test_cron_unsupported_expressions_are_refused() -> None:
    for bad in ("rate(1 hour)", "cron(15 * ? * * *)", "cron(0 25 ? * * *)"):
        with pytest.raises(ValidationError):
            check_expression(bad)
