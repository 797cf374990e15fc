"""What the CLI's tables share: timestamps and status colours."""

from __future__ import annotations

import datetime as dt

__all__ = ["ENDPOINT_STYLES", "JOB_STYLES", "status_markup", "when"]

#: Rich styles of job statuses (training, transform and tuning jobs).
JOB_STYLES = {
    "Completed": "green",
    "Failed": "red",
    "Stopped": "yellow",
    "Stopping": "yellow",
    "InProgress": "cyan",
}
#: Rich styles of endpoint statuses.
ENDPOINT_STYLES = {"InService": "green", "Failed": "red", "Creating": "cyan", "Updating": "cyan"}


def when(value: float | None) -> str:
    """A Unix time as local ``YYYY-MM-DD HH:MM:SS``, ``-`` when unknown."""
    return "-" if value is None else dt.datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M:%S")


def status_markup(status: str, styles: dict[str, str] = JOB_STYLES) -> str:
    """``status`` in Rich markup, coloured when it has a style."""
    style = styles.get(status, "")
    return f"[{style}]{status}[/]" if style else status
