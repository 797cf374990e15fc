"""Schedule expressions as EventBridge writes them: ``rate(5 minutes)``,
``cron(0 12 * * ? *)`` and ``at(2026-12-24T08:00:00)``, all in UTC.

- ``rate(value unit)``: every ``value`` minutes, hours or days (``minute`` when the value is
  1), counted from the schedule's start: occurrences at ``start + k * period``, ``k >= 1``.
- ``cron(minutes hours day-of-month month day-of-week year)``: six fields; ``*`` any, ``?``
  any (day-of-month or day-of-week, and one of them must be ``?``), lists ``a,b``, ranges
  ``a-b``, increments ``a/n`` and ``*/n``, month names ``JAN``-``DEC``, day names
  ``SUN``-``SAT`` (day-of-week 1 is Sunday, as EventBridge counts). ``L``, ``W`` and ``#`` are
  refused with a clear error.
- ``at(yyyy-mm-ddThh:mm:ss)``: once.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from sabio.exceptions import ValidationError

__all__ = ["Expression", "parse_expression"]

_RATE = re.compile(r"^rate\(\s*(\d+)\s+([a-z]+)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_AT = re.compile(r"^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAYS = {d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)}
#: (name, low, high, names) of the six cron fields.
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minutes", 0, 59, {}),
    ("hours", 0, 23, {}),
    ("day-of-month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 1, 7, _DAYS),
    ("year", 1970, 2199, {}),
)
_EXAMPLES = "e.g. 'rate(5 minutes)', 'cron(0 12 * * ? *)' or 'at(2026-12-24T08:00:00)'"
#: How far a cron search looks for an occurrence (a year that never matches ends it).
_SEARCH_DAYS = 366 * 5


@dataclass(frozen=True)
class Expression:
    """A parsed schedule expression; see the module docstring for the forms."""

    text: str
    period: int | None = None
    cron: tuple[frozenset[int] | None, ...] | None = None
    at: float | None = None

    def latest(self, start: float, now: float) -> float | None:
        """The latest occurrence after ``start`` and at or before ``now`` (None if none)."""
        if self.at is not None:
            return self.at if start < self.at <= now else None
        if self.period is not None:
            count = int((now - start) // self.period)
            return start + count * self.period if count >= 1 else None
        found = self._cron_search(now, backward=True)
        return found if found is not None and found > start else None

    def count_between(self, start: float, after: float, until: float, limit: int = 1000) -> int:
        """How many occurrences of a schedule that starts at ``start`` fall in
        ``(after, until]`` (at most ``limit``)."""
        after = max(after, start)
        if self.at is not None:
            return int(after < self.at <= until)
        if self.period is not None:
            done = int((after - start) // self.period)
            return max(0, min(limit, int((until - start) // self.period) - done))
        count, moment = 0, after
        while count < limit:
            moment_next = self._cron_search(moment + 60, backward=False)
            if moment_next is None or moment_next > until:
                break
            count, moment = count + 1, moment_next
        return count

    def next_after(self, start: float, moment: float) -> float | None:
        """The first occurrence after ``moment`` (and after ``start``); None if none."""
        moment = max(moment, start)
        if self.at is not None:
            return self.at if self.at > moment else None
        if self.period is not None:
            count = int((moment - start) // self.period) + 1
            return start + count * self.period
        return self._cron_search(moment + 60, backward=False)

    def _cron_search(self, moment: float, *, backward: bool) -> float | None:
        """The closest minute at or before (``backward``) / at or after ``moment`` that
        matches the cron fields."""
        assert self.cron is not None
        minutes, hours, days, months, weekdays, years = self.cron
        when = dt.datetime.fromtimestamp(moment, tz=dt.UTC).replace(second=0, microsecond=0)
        if not backward and moment % 60:
            when += dt.timedelta(minutes=1)
        step = -1 if backward else 1
        limit = when + dt.timedelta(days=step * _SEARCH_DAYS)
        while (when >= limit) if backward else (when <= limit):
            weekday = (when.weekday() + 1) % 7 + 1  # Monday=0 -> 2 ... Sunday=6 -> 1
            day_ok = (days is None or when.day in days) and (
                weekdays is None or weekday in weekdays
            )
            if not (
                (years is None or when.year in years)
                and (months is None or when.month in months)
                and day_ok
            ):
                when = _day_edge(when, step)
                continue
            if hours is not None and when.hour not in hours:
                when = _hour_edge(when, step)
                continue
            if minutes is not None and when.minute not in minutes:
                when += dt.timedelta(minutes=step)
                continue
            return when.timestamp()
        return None


def _day_edge(when: dt.datetime, step: int) -> dt.datetime:
    midnight = when.replace(hour=0, minute=0)
    return midnight + dt.timedelta(days=1) if step > 0 else midnight - dt.timedelta(minutes=1)


def _hour_edge(when: dt.datetime, step: int) -> dt.datetime:
    top = when.replace(minute=0)
    return top + dt.timedelta(hours=1) if step > 0 else top - dt.timedelta(minutes=1)


def parse_expression(text: str) -> Expression:
    """Parse a schedule expression.

    Example:
        >>> parse_expression("rate(5 minutes)").period
        300

    Raises:
        ValidationError: not a valid expression (says which part and shows examples).
    """
    if not isinstance(text, str):
        raise ValidationError(f"A schedule expression is a string, {_EXAMPLES}; got {text!r}.")
    stripped = text.strip()
    rate = _RATE.match(stripped)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        singular = unit[:-1] if unit.endswith("s") else unit
        if singular not in _UNITS or value < 1:
            raise ValidationError(
                f"Invalid rate expression {text!r}: use a positive whole number and minute(s), "
                "hour(s) or day(s), e.g. 'rate(5 minutes)' or 'rate(1 hour)'."
            )
        if (value == 1) != (unit == singular):
            expected = f"rate({value} {singular if value == 1 else singular + 's'})"
            raise ValidationError(
                f"Invalid rate expression {text!r}: EventBridge writes {expected!r} (singular "
                "unit for 1, plural otherwise)."
            )
        return Expression(stripped, period=value * _UNITS[singular])
    at = _AT.match(stripped)
    if at:
        try:
            moment = dt.datetime.fromisoformat(at.group(1)).replace(tzinfo=dt.UTC)
        except ValueError as exc:
            raise ValidationError(f"Invalid at() expression {text!r}: {exc}.") from None
        return Expression(stripped, at=moment.timestamp())
    cron = _CRON.match(stripped)
    if cron:
        return Expression(stripped, cron=_parse_cron(text, cron.group(1).split()))
    raise ValidationError(f"Invalid schedule expression {text!r}: {_EXAMPLES}.")


def _parse_cron(text: str, fields: list[str]) -> tuple[frozenset[int] | None, ...]:
    if len(fields) != 6:
        raise ValidationError(
            f"Invalid cron expression {text!r}: EventBridge cron has six fields (minutes hours "
            f"day-of-month month day-of-week year), got {len(fields)}; e.g. 'cron(0 12 * * ? *)'."
        )
    if (fields[2] == "?") == (fields[4] == "?"):
        raise ValidationError(
            f"Invalid cron expression {text!r}: exactly one of day-of-month and day-of-week "
            "must be '?' (EventBridge's rule), e.g. 'cron(0 12 * * ? *)' or "
            "'cron(0 8 ? * MON-FRI *)'."
        )
    parsed = []
    for value, (name, low, high, names) in zip(fields, _FIELDS, strict=True):
        parsed.append(_parse_field(text, value, name, low, high, names))
    return tuple(parsed)


def _parse_field(
    text: str, value: str, name: str, low: int, high: int, names: dict[str, int]
) -> frozenset[int] | None:
    if value in ("*", "?"):
        if value == "?" and name not in ("day-of-month", "day-of-week"):
            raise ValidationError(
                f"Invalid cron expression {text!r}: '?' is allowed only in day-of-month and "
                f"day-of-week, not in {name}."
            )
        return None
    if any(mark in value for mark in ("L", "W", "#")) and not names:
        raise ValidationError(
            f"Invalid cron expression {text!r}: {name} {value!r} uses L, W or #, which sabio's "
            "scheduler does not support; list the values instead."
        )
    chosen: set[int] = set()
    for part in value.split(","):
        base, _, step_text = part.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if base == "*":
                first, last = low, high
            elif "-" in base:
                a, b = base.split("-", 1)
                first, last = _number(a, names), _number(b, names)
            else:
                first = _number(base, names)
                last = high if step_text else first
        except ValueError:
            raise ValidationError(
                f"Invalid cron expression {text!r}: {name} {value!r} is not a value, list, "
                f"range or increment of {low}-{high}"
                + (f" or {'/'.join(list(names)[:3])}..." if names else "")
                + "."
            ) from None
        if not (low <= first <= high and low <= last <= high) or step < 1 or first > last:
            raise ValidationError(
                f"Invalid cron expression {text!r}: {name} {value!r} is outside {low}-{high}."
            )
        chosen.update(range(first, last + 1, step))
    return frozenset(chosen)


def _number(token: str, names: dict[str, int]) -> int:
    if token.upper() in names:
        return names[token.upper()]
    return int(token)
