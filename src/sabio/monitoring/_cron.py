"""The schedule expressions of Model Monitor (``CronExpressionGenerator``'s) and the periods
they analyse: each execution looks at the hours since the previous one."""

from __future__ import annotations

import datetime as dt
import re

from sabio.exceptions import ValidationError

__all__ = ["check_expression", "hours_of", "last_period"]

_CRON = re.compile(r"^cron\(0 (\*|\d{1,2}|\d{1,2}/\d{1,2}) \? \* \* \*\)$")


def check_expression(expression: str) -> str:
    """Validate a schedule expression.

    Raises:
        ValidationError: not one Model Monitor accepts: ``cron(0 * ? * * *)`` (hourly),
            ``cron(0 H ? * * *)`` (daily at H) or ``cron(0 H/X ? * * *)`` (every X hours).
    """
    if expression != "NOW" and not _CRON.match(expression or ""):
        raise ValidationError(
            f"Unsupported schedule expression {expression!r}: use CronExpressionGenerator."
            "hourly() 'cron(0 * ? * * *)', daily(hour) 'cron(0 H ? * * *)' or "
            "daily_every_x_hours(x, starting_hour) 'cron(0 H/X ? * * *)'."
        )
    if expression != "NOW":
        hours = hours_of(expression)
        if not hours:
            raise ValidationError(f"Schedule expression {expression!r} names no hour of a day.")
    return expression


def hours_of(expression: str) -> list[int]:
    """The hours of a day (UTC) an expression fires at."""
    match = _CRON.match(expression)
    if match is None:
        return list(range(24))
    field = match.group(1)
    if field == "*":
        return list(range(24))
    if "/" in field:
        start, step = (int(x) for x in field.split("/"))
        return list(range(start, 24, step)) if step > 0 and start < 24 else []
    return [int(field)] if int(field) < 24 else []


def last_period(expression: str, now: float) -> tuple[float, float]:
    """``(start, end)`` of the period the latest firing at or before ``now`` analyses: from
    the firing before it to it (an hourly schedule at 10:00 analyses 09:00-10:00)."""
    hours = hours_of(expression)
    moment = dt.datetime.fromtimestamp(now, tz=dt.UTC).replace(minute=0, second=0, microsecond=0)
    firings: list[dt.datetime] = []
    probe = moment
    while len(firings) < 2:
        if probe.hour in hours:
            firings.append(probe)
        probe -= dt.timedelta(hours=1)
    return firings[1].timestamp(), firings[0].timestamp()
