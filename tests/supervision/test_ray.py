"""The Ray backend on a real two-node cluster: placement, refusals and the workspace rule.

The kernel's conformance suite (test_conformance.py) runs every kind on this backend too;
these tests cover what only a cluster does: where a job runs, and what it refuses.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio import supervision
from sabio.catalog import Catalog
from sabio.estimator import Estimator
from sabio.exceptions import CapacityError, ConfigError
from sabio.session import Session
from sabio.training import TRAINING

pytestmark = [pytest.mark.ray, pytest.mark.slow]

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
    record = Catalog.open(session.settings).jobs(TRAINING).get("on-sqlite")
    assert record.status == "Failed" and "SQLite" in (record.failure_reason or "")
