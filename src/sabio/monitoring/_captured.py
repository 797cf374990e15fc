"""Reading an endpoint's captured traffic of one period, in chunks.

Capture files lie under ``<destination>/<endpoint>/<variant>/yyyy/mm/dd/hh/`` (see
``_capture``); a period's files are those of its hours, and within them the events whose
``inferenceTime`` falls in the period. Request bodies captured as CSV become rows (a body may
hold several lines); JSON bodies holding a list of rows (or ``{"instances": [...]}``) too.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd

from sabio.storage import Store

__all__ = ["capture_files", "read_rows"]

_HOUR = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/(\d{2})/[^/]+\.jsonl$")


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def capture_files(store: Store, prefix: str, start: float, end: float) -> list[str]:
    """Capture files under ``prefix`` (``<destination>/<endpoint>``) whose hour overlaps
    ``[start, end)``, in time order."""
    if not store.exists(prefix):
        return []
    first = dt.datetime.fromtimestamp(start, tz=dt.UTC).replace(minute=0, second=0, microsecond=0)
    chosen = []
    for uri in store.list(prefix):
        match = _HOUR.search(uri)
        if match is None:
            continue
        year, month, day, hour = (int(g) for g in match.groups())
        when = dt.datetime(year, month, day, hour, tzinfo=dt.UTC)
        if first <= when and when.timestamp() < end:
            chosen.append((match.group(0), uri))
    return [uri for _, uri in sorted(chosen)]


def _rows_of(payload: dict[str, Any]) -> list[str]:
    encoding = payload.get("encoding", "CSV")
    data = payload.get("data", "")
    if encoding == "BASE64":
        data = base64.b64decode(data).decode("utf-8", errors="replace")
        encoding = "JSON" if "json" in payload.get("observedContentType", "") else "CSV"
    if encoding == "CSV":
        return [line for line in data.splitlines() if line.strip()]
    parsed = json.loads(data)
    if isinstance(parsed, dict):
        parsed = parsed.get("instances") or parsed.get("features") or [parsed]
    if parsed and not isinstance(parsed[0], list | dict):
        parsed = [parsed]
    rows = []
    for row in parsed:
        values = row.get("features", list(row.values())) if isinstance(row, dict) else row
        rows.append(",".join("" if v is None else str(v) for v in values))
    return rows


def _frame(lines: list[str]) -> pd.DataFrame:
    width = max(line.count(",") for line in lines) + 1
    return pd.read_csv(
        io.StringIO("\n".join(lines)),
        header=None,
        names=list(range(width)),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
    )


def read_rows(
    store: Store, uris: list[str], start: float, end: float, chunk_rows: int = 200_000
) -> Iterator[tuple[pd.DataFrame, int]]:
    """Chunks of captured request rows in ``[start, end)`` as text columns ``0..n-1``, each
    with the number of captured events it came from."""
    low, high = _iso(start), _iso(end)
    lines: list[str] = []
    events = 0
    for uri in uris:
        with store.open(uri, "rb") as handle:
            for raw in handle:
                if not raw.strip():
                    continue
                event = json.loads(raw)
                when = event.get("eventMetadata", {}).get("inferenceTime", "")
                if not low <= when < high:
                    continue
                payload = event.get("captureData", {}).get("endpointInput")
                if payload is None:
                    continue
                lines.extend(_rows_of(payload))
                events += 1
                if len(lines) >= chunk_rows:
                    yield _frame(lines), events
                    lines, events = [], 0
    if lines:
        yield _frame(lines), events
