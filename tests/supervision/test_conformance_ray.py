"""The kernel's conformance suite on the Ray backend, on a real two-node cluster.

The same tests as test_conformance.py (imported, so there is one suite), in a file of their
own so that pytest-xdist runs them beside the local backend's. Admission and warm pools are
local-backend features: those two tests skip here, and test_ray.py covers placement.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.supervision.test_conformance import (
    case,
    session,
    test_describe_has_history_and_unknown_names_get_a_hint,
    test_follow_streams_the_log_and_wait_times_out_with_the_kind,
    test_killed_supervisor_is_reconciled_and_its_processes_stopped,
    test_launch_records_the_supervisor_and_it_beats,
    test_sized_instance_types_wait_for_cpu_slots,
    test_stop_ends_the_job,
    test_third_job_of_a_kind_starts_from_the_warm_pool,
    use_backend,
)

pytestmark = [pytest.mark.ray, pytest.mark.slow]

__all__ = [
    "case",
    "session",
    "test_describe_has_history_and_unknown_names_get_a_hint",
    "test_follow_streams_the_log_and_wait_times_out_with_the_kind",
    "test_killed_supervisor_is_reconciled_and_its_processes_stopped",
    "test_launch_records_the_supervisor_and_it_beats",
    "test_sized_instance_types_wait_for_cpu_slots",
    "test_stop_ends_the_job",
    "test_third_job_of_a_kind_starts_from_the_warm_pool",
]


@pytest.fixture
def backend(
    request: pytest.FixtureRequest, sabio_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    yield from use_backend(request, monkeypatch, "ray")
