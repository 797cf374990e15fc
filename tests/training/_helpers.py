"""Readers of training job outputs shared by the training tests."""

from __future__ import annotations

import io
import json
import tarfile
from typing import Any

from sabio.session import Session
from sabio.training import job_dir


def tar_members(session: Session, uri: str) -> dict[str, bytes]:
    """Name → content of every file in the ``.tar.gz`` object at ``uri``."""
    with tarfile.open(fileobj=io.BytesIO(session.store.get_bytes(uri)), mode="r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isfile()
        }


def model_json(session: Session, job_name: str, member: str) -> Any:
    """A JSON file the job wrote into its model folder, read back from ``model.tar.gz``."""
    uri = session.describe_training_job(job_name)["ModelArtifacts"]["S3ModelArtifacts"]
    return json.loads(tar_members(session, uri)[member])


def job_log(session: Session, job_name: str) -> str:
    """The job's log file."""
    return (job_dir(session.settings, job_name) / "logs.txt").read_text()
