"""EventBridge schedule expressions: rate(), cron() and at(), in UTC."""

from __future__ import annotations

import datetime as dt

import pytest

from sabio.exceptions import ValidationError
from sabio.scheduling import parse_expression


def _t(*args: int) -> float:
    return dt.datetime(*args, tzinfo=dt.UTC).timestamp()


def test_rate_counts_from_the_start() -> None:
    rate = parse_expression("rate(5 minutes)")
    assert rate.period == 300
    start = _t(2026, 12, 3, 12, 0)
    assert rate.latest(start, start + 299) is None
    assert rate.latest(start, start + 1000) == start + 900
    assert rate.next_after(start, start + 1000) == start + 1200
    assert rate.count_between(start, start + 300, start + 1000) == 2
    assert parse_expression("rate(1 day)").period == 86400


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rate(1 minutes)", "rate\\(1 minute\\)"),
        ("rate(5 minute)", "rate\\(5 minutes\\)"),
        ("rate(0 hours)", "positive whole number"),
        ("rate(5 seconds)", "minute\\(s\\), hour\\(s\\) or day\\(s\\)"),
        ("cron(0 12 * * *)", "six fields"),
        ("cron(0 12 * * * *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 12 ? * ? *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 12 L * ? *)", "L, W or #"),
        ("cron(61 12 * * ? *)", "outside 0-59"),
        ("cron(0 12 * FOO ? *)", "month 'FOO'"),
        ("every 5 minutes", "rate\\(5 minutes\\)"),
    ],
)
def test_bad_expressions_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_expression(text)


def test_cron_daily_at_noon() -> None:
    cron = parse_expression("cron(0 12 * * ? *)")
    now = _t(2026, 12, 3, 11, 59)
    assert cron.latest(0, now) == _t(2026, 12, 2, 12, 0)
    assert cron.next_after(0, now) == _t(2026, 12, 3, 12, 0)
    assert cron.latest(0, _t(2026, 12, 3, 12, 0)) == _t(2026, 12, 3, 12, 0)


def test_cron_weekdays_use_eventbridge_numbering() -> None:
    # 2026-12-05 is a Saturday; MON-FRI skips the weekend, and 2-6 is the same as MON-FRI.
    for text in ("cron(*/15 8-17 ? * MON-FRI *)", "cron(0/15 8-17 ? * 2-6 *)"):
        cron = parse_expression(text)
        saturday = _t(2026, 12, 5, 12, 0)
        assert cron.latest(0, saturday) == _t(2026, 12, 4, 17, 45)
        assert cron.next_after(0, saturday) == _t(2026, 12, 7, 8, 0)
    sunday_only = parse_expression("cron(30 6 ? * 1 *)")
    assert sunday_only.next_after(0, _t(2026, 12, 3)) == _t(2026, 12, 6, 6, 30)


def test_cron_counts_and_years() -> None:
    cron = parse_expression("cron(0 0 1 JAN,JUL ? 2027)")
    assert cron.next_after(0, _t(2026, 12, 3)) == _t(2027, 1, 1)
    assert cron.latest(0, _t(2026, 12, 3)) is None
    hourly = parse_expression("cron(0 * * * ? *)")
    assert hourly.count_between(0, _t(2026, 12, 3, 0, 0), _t(2026, 12, 3, 5, 30)) == 5


def test_at_runs_once() -> None:
    at = parse_expression("at(2026-12-24T08:00:00)")
    moment = _t(2026, 12, 24, 8)
    assert at.latest(0, moment - 1) is None
    assert at.latest(0, moment + 3600) == moment
    assert at.next_after(0, moment) is None
