"""Reading a running trial's structured metrics as its program writes them.

The training supervisor copies a job's metrics into the catalog every couple of seconds;
pruning decides faster from the metrics file the program appends to (``sabio.runtime``'s
JSON Lines; ``sabio.training.metrics_file`` says where).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

__all__ = ["MetricsFile"]


class MetricsFile:
    """Incremental reader of one job's structured metrics file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._values: dict[str, list[tuple[int, float]]] = {}
        self._counts: dict[str, int] = {}

    def read(self, name: str) -> list[tuple[int, float]]:
        """Every ``(step, value)`` of metric ``name`` so far (steps default to the order)."""
        try:
            with self.path.open("rb") as fh:
                fh.seek(self._offset)
                chunk = fh.read()
        except OSError:
            return self._values.get(name, [])
        end = chunk.rfind(b"\n")
        if end >= 0:
            self._offset += end + 1
            for raw in chunk[: end + 1].splitlines():
                try:
                    item = json.loads(raw)
                    metric, value = str(item["name"]), float(item["value"])
                except (ValueError, KeyError, TypeError):
                    continue
                count = self._counts.get(metric, 0)
                self._counts[metric] = count + 1
                step = item.get("step")
                if math.isfinite(value):
                    self._values.setdefault(metric, []).append(
                        (int(step) if step is not None else count, value)
                    )
        return self._values.get(name, [])
