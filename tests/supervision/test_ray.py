"""The Ray backend on a real two-node cluster: the kernel's conformance suite, placement,
refusals and the workspace rule.

The conformance tests are test_conformance.py's (imported, so there is one suite), run here
with the ``backend`` fixture below; admission and warm pools are local-backend features, so
those two skip, and the tests after them cover what only a cluster does. One file: one
cluster per pytest-xdist worker.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests._wait import wait_until
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

from sabio import supervision
from sabio.catalog import Catalog
from sabio.estimator import Estimator
from sabio.exceptions import CapacityError, ConfigError
from sabio.session import Session
from sabio.training import TRAINING

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


SCRIPT = """
import time
print("running", flush=True)
time.sleep({seconds})
print("done", flush=True)
"""


@pytest.fixture
def cluster(
    ray_address: str, postgres_schema_url: str, sabio_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Session:
    """A session of a fresh workspace on PostgreSQL whose jobs run on the cluster."""
    monkeypatch.setenv("SABIO_BACKEND", "ray")
    monkeypatch.setenv("RAY_ADDRESS", ray_address)
    monkeypatch.setenv("SABIO_DATABASE_URL", postgres_schema_url)
    return Session()


def _estimator(session: Session, tmp: Path, instance_type: str, seconds: float) -> Estimator:
    script = tmp / "job.py"
    script.write_text(textwrap.dedent(SCRIPT.format(seconds=seconds)))
    return Estimator(
        entry_point=str(script), instance_type=instance_type, sagemaker_session=session
    )


def _node(session: Session, name: str) -> str:
    log = supervision.job_dir(session.settings, TRAINING, name) / "supervisor.log"
    match = re.search(r"running on Ray node (\w+)", log.read_text() if log.exists() else "")
    return match.group(1) if match else ""


def test_ray_job_runs_on_a_node_and_completes(cluster: Session, tmp_path: Path) -> None:
    estimator = _estimator(cluster, tmp_path, "ml.m5.large", 0.1)
    estimator.fit(job_name="ray-1", logs=False)
    described = estimator.latest_training_job.describe()
    assert described["TrainingJobStatus"] == "Completed"
    assert _node(cluster, "ray-1")


def test_two_jobs_that_fill_a_node_each_run_on_both_nodes(cluster: Session, tmp_path: Path) -> None:
    # Each node has 2 CPUs: two ml.m5.large jobs (2 vCPUs each) at once need both nodes.
    for name in ("spread-a", "spread-b"):
        _estimator(cluster, tmp_path, "ml.m5.large", 6).fit(job_name=name, wait=False)
    nodes = wait_until(
        lambda: (
            (found := {_node(cluster, "spread-a"), _node(cluster, "spread-b")}) - {""}
            and len(found) == 2
            and found
        ),
        timeout=120,
        what="both jobs to be placed",
    )
    assert len(nodes) == 2
    for name in ("spread-a", "spread-b"):
        assert supervision.wait(cluster.settings, TRAINING, name, timeout=120).status == "Completed"


def test_resources_no_node_has_fail_the_job_at_once(cluster: Session, tmp_path: Path) -> None:
    estimator = _estimator(cluster, tmp_path, "ml.m5.4xlarge", 0.1)  # 16 vCPUs
    with pytest.raises(CapacityError, match=r"ResourceLimitExceeded.*16 CPUs.*largest node"):
        estimator.fit(job_name="too-big", wait=False)
    record = Catalog.open(cluster.settings).jobs(TRAINING).get("too-big")
    assert record.status == "Failed"
    assert "ResourceLimitExceeded" in (record.failure_reason or "")


def test_a_sqlite_workspace_is_refused_on_a_cluster_of_several_machines(
    ray_address: str, sabio_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SABIO_BACKEND", "ray")
    monkeypatch.setenv("RAY_ADDRESS", ray_address)
    session = Session()
    estimator = _estimator(session, tmp_path, "local", 0.1)
    with pytest.raises(ConfigError, match=r"2 machines.*SQLite.*SABIO_DATABASE_URL=postgresql"):
        estimator.fit(job_name="on-sqlite", wait=False)
    # Refused before anything was recorded: no record, no job folder.
    assert not Catalog.open(session.settings).jobs(TRAINING).exists("on-sqlite")
    assert not supervision.job_dir(session.settings, TRAINING, "on-sqlite").exists()
