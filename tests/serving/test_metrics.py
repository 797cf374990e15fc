"""/metrics sums the counters of all of an endpoint's workers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sabio.serving._metrics import Metrics


def _value(text: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", text, re.M)
    assert match, f"{series} not in:\n{text}"
    return float(match.group(1))


def test_metrics_sum_over_workers_and_keep_ended_workers(tmp_path: Path) -> None:
    share = tmp_path / "metrics"
    first = Metrics("ep", share, worker="1")
    second = Metrics("ep", share, worker="2")
    for _ in range(3):
        first.record("/invocations", 200, 0.002)
    second.record("/invocations", 200, 0.2)
    second.record("/invocations", 400, 0.001)
    second.record_steps({"predict": 0.5})
    first.publish()
    second.publish()
    text = first.render().decode()
    labels = 'endpoint="ep",route="/invocations"'
    assert _value(text, 'sabio_workers{endpoint="ep"}') == 2
    assert _value(text, f'sabio_requests_total{{{labels},code="200"}}') == 4
    assert _value(text, f'sabio_requests_total{{{labels},code="400"}}') == 1
    assert _value(text, f"sabio_request_duration_seconds_count{{{labels}}}") == 5
    assert _value(text, f'sabio_request_duration_seconds_bucket{{{labels},le="0.0025"}}') == 4
    assert _value(text, 'sabio_inference_step_seconds_total{endpoint="ep",step="predict"}') == 0.5
    # A worker that ended (its file stays) still counts; a new one adds to the totals.
    del second
    third = Metrics("ep", share, worker="3")
    assert _value(third.render().decode(), 'sabio_workers{endpoint="ep"}') == 3  # at start
    third.record("/invocations", 200, 0.001)
    text = third.render().decode()
    assert _value(text, f'sabio_requests_total{{{labels},code="200"}}') == 5


def test_metrics_without_a_shared_folder_count_this_process(tmp_path: Path) -> None:
    alone = Metrics("ep")
    alone.record("/ping", 200, 0.0001)
    text = alone.render().decode()
    assert _value(text, 'sabio_requests_total{endpoint="ep",route="/ping",code="200"}') == 1
    gone = Metrics("ep", tmp_path / "gone", worker="9")
    shutil.rmtree(tmp_path / "gone")  # the endpoint folder was removed: still answers
    gone.record("/ping", 200, 0.0001)
    assert "sabio_requests_total" in gone.render().decode()
