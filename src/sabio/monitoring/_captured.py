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

__all__ = ["capture_files", "read_ground_truth", "read_outputs", "read_rows"]

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
    text = "\n".join(lines)
    width = max(line.count(",") for line in text.splitlines()) + 1
    return pd.read_csv(
        io.StringIO(text),
        header=None,
        names=list(range(width)),
        # Numbers are parsed by the C parser (fast); a column with any other token stays
        # text and is classified value by value. Only empty fields are missing.
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=True,
    )


def _events(body: bytes, low: str, high: str) -> tuple[list[str], int]:
    """The request rows of a capture file's events in ``[low, high)`` and their count.

    pyarrow's JSON Lines reader parses a file in C++ (several times faster than ``json``);
    files it cannot read (mixed shapes) go through ``json`` line by line.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pa_json

    try:
        table = pa_json.read_json(pa.BufferReader(body))
        while any(pa.types.is_struct(field.type) for field in table.schema):
            table = table.flatten()
        times = table.column("eventMetadata.inferenceTime")
        data = table.column("captureData.endpointInput.data")
        encoding = table.column("captureData.endpointInput.encoding")
    except (pa.ArrowInvalid, KeyError):
        return _events_slowly(body, low, high)
    bounds: tuple[object, object] = (low, high)
    if pa.types.is_timestamp(times.type):  # pyarrow reads ISO times as timestamps
        bounds = tuple(
            pa.scalar(dt.datetime.strptime(b, "%Y-%m-%dT%H:%M:%SZ"), type=times.type)
            for b in (low, high)
        )  # type: ignore[assignment]
    keep = pc.and_(pc.greater_equal(times, bounds[0]), pc.less(times, bounds[1]))
    keep = pc.and_(keep, pc.is_valid(data))
    if pc.all(pc.equal(pc.filter(encoding, keep), "CSV")).as_py() not in (True, None):
        return _events_slowly(body, low, high)
    rows = pc.filter(data, keep).to_pylist()
    return rows, len(rows)


def _events_slowly(body: bytes, low: str, high: str) -> tuple[list[str], int]:
    rows: list[str] = []
    events = 0
    for raw in body.splitlines():
        if not raw.strip():
            continue
        event = json.loads(raw)
        when = event.get("eventMetadata", {}).get("inferenceTime", "")
        payload = event.get("captureData", {}).get("endpointInput")
        if payload is None or not low <= when < high:
            continue
        rows.extend(_rows_of(payload))
        events += 1
    return rows, events


def read_rows(
    store: Store, uris: list[str], start: float, end: float, chunk_rows: int = 200_000
) -> Iterator[tuple[pd.DataFrame, int]]:
    """Chunks of captured request rows in ``[start, end)`` as columns ``0..n-1`` (numbers
    where a column holds only numbers, text otherwise), each with the number of captured
    events it came from."""
    low, high = _iso(start), _iso(end)
    lines: list[str] = []
    events = 0
    for uri in uris:
        rows, count = _events(store.get_bytes(uri), low, high)
        lines.extend(rows)
        events += count
        if len(lines) >= chunk_rows:
            yield _frame(lines), events
            lines, events = [], 0
    if lines:
        yield _frame(lines), events


def _decoded(payload: dict[str, Any]) -> str:
    data = str(payload.get("data", ""))
    if payload.get("encoding") == "BASE64":
        return base64.b64decode(data).decode("utf-8", errors="replace")
    return data


def read_outputs(store: Store, uris: list[str], start: float, end: float) -> dict[str, str]:
    """``{inferenceId: response body}`` of the captured events in ``[start, end)`` that carry
    an inference id (events without one cannot be matched with ground truth)."""
    low, high = _iso(start), _iso(end)
    outputs: dict[str, str] = {}
    for uri in uris:
        for raw in store.get_bytes(uri).splitlines():
            if not raw.strip():
                continue
            event = json.loads(raw)
            metadata = event.get("eventMetadata", {})
            payload = event.get("captureData", {}).get("endpointOutput")
            identifier = metadata.get("inferenceId")
            if payload is None or not identifier:
                continue
            if low <= metadata.get("inferenceTime", "") < high:
                outputs[str(identifier)] = _decoded(payload)
    return outputs


def read_ground_truth(store: Store, prefix: str) -> dict[str, str]:
    """``{eventId: ground truth}`` of every ground-truth file under ``prefix`` (SageMaker's
    shape: ``{"groundTruthData": {"data", "encoding"}, "eventMetadata": {"eventId"}}``)."""
    truth: dict[str, str] = {}
    if not store.exists(prefix):
        return truth
    for uri in store.list(prefix):
        for raw in store.get_bytes(uri).splitlines():
            if not raw.strip():
                continue
            record = json.loads(raw)
            identifier = record.get("eventMetadata", {}).get("eventId")
            if identifier:
                truth[str(identifier)] = _decoded(record.get("groundTruthData", {})).strip()
    return truth
