"""Request counters and latency histograms in the Prometheus text format (no dependency)."""

from __future__ import annotations

import bisect
import os
from collections import defaultdict

__all__ = ["Metrics"]

#: Upper bounds (seconds) of the latency histogram buckets.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _Histogram:
    __slots__ = ("counts", "sum")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(BUCKETS, value)] += 1
        self.sum += value


class Metrics:
    """Counters of one worker process, rendered for ``GET /metrics``.

    Each worker keeps its own numbers (labelled ``worker="<pid>"``), so a scrape shows the
    worker that answered it; Prometheus sums series across scrapes of all workers.
    """

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.requests: defaultdict[tuple[str, int], int] = defaultdict(int)
        self.latency: defaultdict[str, _Histogram] = defaultdict(_Histogram)
        self.steps: defaultdict[str, float] = defaultdict(float)

    def record(self, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        self.requests[(route, status)] += 1
        self.latency[route].observe(seconds)

    def record_steps(self, timings: dict[str, float]) -> None:
        """Add the decode/predict/encode seconds of one invocation."""
        for step, seconds in timings.items():
            self.steps[step] += seconds

    def render(self) -> bytes:
        """The Prometheus text exposition of every counter."""
        labels = f'endpoint="{self.endpoint}",worker="{os.getpid()}"'
        lines = [
            "# HELP sabio_requests_total Requests answered, by route and status code.",
            "# TYPE sabio_requests_total counter",
        ]
        for (route, status), count in sorted(self.requests.items()):
            lines.append(
                f'sabio_requests_total{{{labels},route="{route}",code="{status}"}} {count}'
            )
        lines += [
            "# HELP sabio_request_duration_seconds Time from request to answer, by route.",
            "# TYPE sabio_request_duration_seconds histogram",
        ]
        for route, histogram in sorted(self.latency.items()):
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
        for step, seconds in sorted(self.steps.items()):
            lines.append(f'sabio_inference_step_seconds_total{{{labels},step="{step}"}} {seconds}')
        return ("\n".join(lines) + "\n").encode()
