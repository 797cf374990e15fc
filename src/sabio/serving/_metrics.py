"""Request counters and latency histograms in the Prometheus text format (no dependency).

An endpoint has one worker process per instance, each counting the requests it answers. So
that a scrape of ``/metrics`` (answered by whichever worker takes it) shows the whole
endpoint, every worker publishes its counters to a small JSON file in a folder shared by
the endpoint's workers (within a second of a change, at each scrape, and when it stops);
a scrape sums every file there. Files of workers that have ended stay, so totals never go
down when a worker is restarted or a model is swapped; other workers' numbers are at most
about a second old.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["BUCKETS", "PUBLISH_SECONDS", "Metrics", "capture_totals"]

#: Upper bounds (seconds) of the latency histogram buckets.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: A serving worker publishes its counters at most this often.
PUBLISH_SECONDS = 1.0


class _Histogram:
    __slots__ = ("counts", "sum")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(BUCKETS, value)] += 1
        self.sum += value

    def add(self, counts: list[int], total: float) -> None:
        for index, count in enumerate(counts[: len(self.counts)]):
            self.counts[index] += int(count)
        self.sum += float(total)


class Metrics:
    """Counters of one worker process, rendered (summed over the endpoint's workers when
    ``share_dir`` is set) for ``GET /metrics``.

    Args:
        endpoint: the endpoint name (a label on every series).
        share_dir: folder the endpoint's workers publish their counters to; None counts
            this process only.
        worker: this worker's name in that folder (default: the process id).
    """

    def __init__(
        self, endpoint: str, share_dir: Path | None = None, *, worker: str | None = None
    ) -> None:
        self.endpoint = endpoint
        self.share_dir = share_dir
        self.worker = worker or str(os.getpid())
        self.requests: defaultdict[tuple[str, int], int] = defaultdict(int)
        self.latency: defaultdict[str, _Histogram] = defaultdict(_Histogram)
        self.steps: defaultdict[str, float] = defaultdict(float)
        self._next_publish = 0.0
        self._unpublished = False
        #: The data-capture writer's counts (``written``, ``dropped``, ``pending``), if any.
        self.capture: Callable[[], dict[str, int]] | None = None
        self._capture_seen: dict[str, int] | None = None
        if share_dir is not None:
            share_dir.mkdir(parents=True, exist_ok=True)
            self.publish()  # counted among the workers before its first request

    def record(self, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        self.requests[(route, status)] += 1
        self.latency[route].observe(seconds)
        self._unpublished = True
        if self.share_dir is not None and time.monotonic() >= self._next_publish:
            self.publish()

    def record_steps(self, timings: dict[str, float]) -> None:
        """Add the decode/predict/encode seconds of one invocation."""
        for step, seconds in timings.items():
            self.steps[step] += seconds

    # ------------------------------------------------------------- sharing
    def _snapshot(self) -> dict[str, Any]:
        return {
            "requests": [
                [route, status, count] for (route, status), count in self.requests.items()
            ],
            "latency": {r: [h.counts, h.sum] for r, h in self.latency.items()},
            "steps": dict(self.steps),
            **({"capture": self._capture_counts()} if self.capture is not None else {}),
        }

    def _capture_counts(self) -> dict[str, int]:
        counts = self.capture() if self.capture is not None else {}
        self._capture_seen = counts
        return counts

    def publish_pending(self) -> None:
        """Publish counts recorded since the last publish (the server calls this every
        second, so a worker's last requests reach the totals even when no more come)."""
        changed = self.capture is not None and self.capture() != self._capture_seen
        if self._unpublished or changed:
            self.publish()

    def publish(self) -> None:
        """Write this worker's counters to the shared folder (atomically)."""
        if self.share_dir is None:
            return
        self._next_publish = time.monotonic() + PUBLISH_SECONDS
        self._unpublished = False
        path = self.share_dir / f"worker-{self.worker}.json"
        temporary = path.with_suffix(".tmp")
        with contextlib.suppress(OSError):  # counters must never fail a request
            temporary.write_text(json.dumps(self._snapshot()), encoding="utf-8")
            os.replace(temporary, path)

    def _snapshots(self) -> list[dict[str, Any]]:
        if self.share_dir is None:
            return [self._snapshot()]
        self.publish()
        found = []
        for path in sorted(self.share_dir.glob("worker-*.json")):
            with contextlib.suppress(OSError, ValueError):
                found.append(json.loads(path.read_text(encoding="utf-8")))
        own = f"worker-{self.worker}.json"
        if not (self.share_dir / own).is_file():  # the folder is gone: still answer
            found.append(self._snapshot())
        return found

    # ------------------------------------------------------------ rendering
    def render(self) -> bytes:
        """The Prometheus text exposition of every counter, summed over the workers."""
        requests: defaultdict[tuple[str, int], int] = defaultdict(int)
        latency: defaultdict[str, _Histogram] = defaultdict(_Histogram)
        steps: defaultdict[str, float] = defaultdict(float)
        snapshots = self._snapshots()
        for snapshot in snapshots:
            for route, status, count in snapshot.get("requests", []):
                requests[(str(route), int(status))] += int(count)
            for route, (counts, total) in snapshot.get("latency", {}).items():
                latency[str(route)].add(counts, total)
            for step, seconds in snapshot.get("steps", {}).items():
                steps[str(step)] += float(seconds)
        labels = f'endpoint="{self.endpoint}"'
        lines = [
            "# HELP sabio_workers Workers (ended ones too) whose counters are summed here.",
            "# TYPE sabio_workers gauge",
            f"sabio_workers{{{labels}}} {len(snapshots)}",
            "# HELP sabio_requests_total Requests answered, by route and status code.",
            "# TYPE sabio_requests_total counter",
        ]
        for (route, status), count in sorted(requests.items()):
            lines.append(
                f'sabio_requests_total{{{labels},route="{route}",code="{status}"}} {count}'
            )
        lines += [
            "# HELP sabio_request_duration_seconds Time from request to answer, by route.",
            "# TYPE sabio_request_duration_seconds histogram",
        ]
        for route, histogram in sorted(latency.items()):
            cumulative = 0
            for bound, count in zip((*BUCKETS, float("inf")), histogram.counts, strict=True):
                cumulative += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                lines.append(
                    f'sabio_request_duration_seconds_bucket{{{labels},route="{route}",'
                    f'le="{le}"}} {cumulative}'
                )
            lines.append(
                f'sabio_request_duration_seconds_sum{{{labels},route="{route}"}} {histogram.sum}'
            )
            lines.append(
                f'sabio_request_duration_seconds_count{{{labels},route="{route}"}} {cumulative}'
            )
        lines += [
            "# HELP sabio_inference_step_seconds_total Seconds spent in each handler step.",
            "# TYPE sabio_inference_step_seconds_total counter",
        ]
        for step, seconds in sorted(steps.items()):
            lines.append(f'sabio_inference_step_seconds_total{{{labels},step="{step}"}} {seconds}')
        capture = _sum_capture(snapshots)
        if capture is not None:
            lines += [
                "# HELP sabio_data_capture_events_total Captured events by outcome: written to "
                "the destination, or dropped (queue full, or the store refused them).",
                "# TYPE sabio_data_capture_events_total counter",
                *(
                    f'sabio_data_capture_events_total{{{labels},outcome="{outcome}"}} '
                    f"{capture.get(outcome, 0)}"
                    for outcome in ("written", "dropped")
                ),
                "# HELP sabio_data_capture_pending_events Captured events not yet written.",
                "# TYPE sabio_data_capture_pending_events gauge",
                f"sabio_data_capture_pending_events{{{labels}}} {capture.get('pending', 0)}",
            ]
        return ("\n".join(lines) + "\n").encode()


def _sum_capture(snapshots: list[dict[str, Any]]) -> dict[str, int] | None:
    found = [s["capture"] for s in snapshots if isinstance(s.get("capture"), dict)]
    if not found:
        return None
    totals: defaultdict[str, int] = defaultdict(int)
    for counts in found:
        for key, value in counts.items():
            totals[str(key)] += int(value)
    return dict(totals)


def capture_totals(share_dir: Path) -> dict[str, int] | None:
    """The data-capture counts summed over the workers that published to ``share_dir``
    (None when no worker captures)."""
    snapshots = []
    for path in sorted(share_dir.glob("worker-*.json")):
        with contextlib.suppress(OSError, ValueError):
            snapshots.append(json.loads(path.read_text(encoding="utf-8")))
    return _sum_capture(snapshots)
