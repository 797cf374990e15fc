"""Metrics from log lines (``metric_definitions`` regexes) and from the runtime helper."""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sabio.training._spec import MetricDefinition

__all__ = ["MetricFileFollower", "RegexMetricParser", "parse_metric_lines"]


class RegexMetricParser:
    """Apply SageMaker metric definitions to log lines.

    Published SageMaker regexes expect tabs rendered as ``#011`` (how CloudWatch shows
    them), others expect a real tab: each line is tried both ways. A metric's step is
    the number of values seen for it before.
    """

    def __init__(self, definitions: list[MetricDefinition]) -> None:
        self._defs = [(d.Name, re.compile(d.Regex)) for d in definitions]
        self._steps: dict[str, int] = defaultdict(int)

    def parse(self, line: str) -> list[dict[str, Any]]:
        """Return the metric values found in one log line."""
        if not self._defs:
            return []
        variants = [line] if "\t" not in line else [line, line.replace("\t", "#011")]
        found: list[dict[str, Any]] = []
        now = time.time()
        for name, pattern in self._defs:
            for text in variants:
                match = pattern.search(text)
                if match is None:
                    continue
                try:
                    value = float(match.group(1))
                except (ValueError, IndexError):
                    break
                found.append(
                    {"name": name, "value": value, "step": self._steps[name], "timestamp": now}
                )
                self._steps[name] += 1
                break
        return found


class MetricFileFollower:
    """Read new complete lines of a job's structured metrics file (JSON Lines).

    Safe to call from several threads: the file offset is advanced under a lock, so two
    readers never get the same lines nor skip any.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._lock = threading.Lock()

    def read_new(self, *, final: bool = False) -> list[dict[str, Any]]:
        """Return the records appended since the last call (skipping malformed lines).

        Args:
            final: the program has exited, so a last line without its newline is complete
                too (a program killed mid-write leaves one; it is parsed if it can be).
        """
        with self._lock:
            try:
                with self.path.open("rb") as fh:
                    fh.seek(self._offset)
                    chunk = fh.read()
            except FileNotFoundError:
                return []
            end = len(chunk) if final else chunk.rfind(b"\n") + 1
            if end <= 0:
                return []
            self._offset += end
        return parse_metric_lines(chunk[:end])


def parse_metric_lines(data: bytes) -> list[dict[str, Any]]:
    """Parse JSON Lines metric records (``sabio.runtime.log_metric``), skipping bad lines."""
    records: list[dict[str, Any]] = []
    for raw in data.splitlines():
        try:
            item = json.loads(raw)
            value = float(item["value"])
            records.append(
                {
                    "name": str(item["name"]),
                    "value": value if math.isfinite(value) else None,
                    "step": None if item.get("step") is None else int(item["step"]),
                    "timestamp": float(item.get("timestamp") or time.time()),
                }
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return records
