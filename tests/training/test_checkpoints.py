"""Checkpoints (``checkpoint_s3_uri``) and managed spot training with interruptions."""

from __future__ import annotations

import os
import signal
import textwrap
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio.catalog import Catalog
from sabio.estimator import Estimator
from sabio.exceptions import ValidationError
from sabio.session import Session
from sabio.training import TRAINING

# Counts epochs in /opt/ml/checkpoints/epoch.txt (the default checkpoint_local_path), resuming
# from what it finds there; sleeps between epochs so that a test can interrupt it.
RESUMABLE = """
import os, sys, time
folder = "/opt/ml/checkpoints"
path = os.path.join(folder, "epoch.txt")
start = int(open(path).read()) if os.path.exists(path) else 0
print(f"starting at epoch {start}", flush=True)
for epoch in range(start, {epochs}):
    time.sleep({pause})
    with open(path + ".tmp", "w") as fh:
        fh.write(str(epoch + 1))
    os.replace(path + ".tmp", path)
    print(f"epoch {epoch + 1} done", flush=True)
with open(os.path.join(os.environ["SM_MODEL_DIR"], "started.txt"), "w") as fh:
    fh.write(str(start))
"""


def _estimator(tmp: Path, epochs: int, pause: float, **kwargs: object) -> Estimator:
    script = tmp / "resumable.py"
    script.write_text(
        textwrap.dedent(RESUMABLE).replace("{epochs}", str(epochs)).replace("{pause}", str(pause))
    )
    return Estimator(entry_point=str(script), sagemaker_session=Session(), **kwargs)  # type: ignore[arg-type]


def _log(home: Path, name: str) -> str:
    path = home / "jobs" / name / "logs.txt"
    return path.read_text() if path.exists() else ""


def test_checkpoints_are_copied_to_the_store_and_restored_by_the_next_job(
    sabio_home: Path, tmp_path: Path
) -> None:
    uri = "s3://ckpt/run-1"
    first = _estimator(tmp_path, epochs=2, pause=0.1, checkpoint_s3_uri=uri)
    first.fit(job_name="ckpt-1", logs=False)
    session = first.sagemaker_session
    assert session.store.get_bytes(f"{uri}/epoch.txt").decode() == "2"
    # A second job with the same prefix starts where the first one ended.
    second = _estimator(tmp_path, epochs=3, pause=0.1, checkpoint_s3_uri=uri)
    second.fit(job_name="ckpt-2", logs=False)
    assert "starting at epoch 2" in _log(sabio_home, "ckpt-2")
    assert session.store.get_bytes(f"{uri}/epoch.txt").decode() == "3"
    described = second.latest_training_job.describe()
    assert described["CheckpointConfig"] == {"S3Uri": uri, "LocalPath": "/opt/ml/checkpoints"}


@pytest.mark.slow
def test_an_interrupted_spot_job_resumes_from_its_last_checkpoint(
    sabio_home: Path, tmp_path: Path
) -> None:
    estimator = _estimator(
        tmp_path,
        epochs=6,
        pause=1.0,
        checkpoint_s3_uri="s3://ckpt/spot",
        use_spot_instances=True,
        max_run=600,
        max_wait=1200,
    )
    estimator.fit(job_name="spot-1", wait=False)
    jobs = Catalog.open(estimator.sagemaker_session.settings).jobs(TRAINING)
    wait_until(lambda: "epoch 2 done" in _log(sabio_home, "spot-1"), timeout=120, what="two epochs")
    pid = jobs.get("spot-1").supervisor_pid
    assert pid is not None
    os.kill(pid, signal.SIGUSR2)  # the instance is reclaimed
    wait_until(lambda: jobs.get("spot-1").is_terminal, timeout=180, what="the job to end")
    described = estimator.latest_training_job.describe()
    assert described["TrainingJobStatus"] == "Completed"
    assert described["Interruptions"] == 1
    assert "Interrupted" in [t["Status"] for t in described["SecondaryStatusTransitions"]]
    log = _log(sabio_home, "spot-1")
    resumed_at = int(log.split("starting at epoch ")[-1].split()[0])
    assert resumed_at >= 2  # not from scratch
    assert described["BillableTimeInSeconds"] <= described["TrainingTimeInSeconds"]


def test_spot_needs_max_wait_of_at_least_max_run(sabio_home: Path, tmp_path: Path) -> None:
    estimator = _estimator(tmp_path, 1, 0.0, use_spot_instances=True, max_run=600)
    with pytest.raises(ValidationError, match="needs max_wait"):
        estimator.fit(job_name="spot-bad", wait=False)
    estimator = _estimator(tmp_path, 1, 0.0, use_spot_instances=True, max_run=600, max_wait=60)
    with pytest.raises(ValidationError, match="at least max_run"):
        estimator.fit(job_name="spot-bad", wait=False)
