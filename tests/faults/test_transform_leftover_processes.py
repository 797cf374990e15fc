"""A transform job ends what its handlers left running when its workers are done (issue 19,
finding 8, for transform workers)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from tests._wait import wait_until

from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.inference import MODEL, ModelSpec
from sabio.storage import Store
from sabio.supervision._process import pid_exists
from sabio.transform import build_spec, job_dir, submit, wait

# model_fn starts a background process (its pid in a file next to the input) that would
# outlive the job.
INFERENCE = """
import os, subprocess, sys

def model_fn(model_dir):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    with open(os.environ["LEFTOVER_PID_FILE"], "a") as fh:
        fh.write(f"{child.pid}\\n")
    return None

def transform_fn(model, body, content_type, accept):
    return body, "text/csv"
"""


def _register(store: Store) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = INFERENCE.encode()
        info = tarfile.TarInfo("code/inference.py")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    uri = f"s3://{store.default_bucket()}/models/leaver/model.tar.gz"
    store.put_bytes(uri, buffer.getvalue())
    spec = ModelSpec(model_name="leaver", image="sabio/custom", model_data_url=uri)
    Catalog.open(load_settings()).jobs(MODEL).create(
        "leaver", spec.model_dump(mode="json"), status="Created"
    )


def test_transform_ends_processes_handlers_left(
    sabio_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_file = tmp_path / "leftover.pids"
    monkeypatch.setenv("LEFTOVER_PID_FILE", str(pid_file))
    settings = load_settings()
    store = Store(settings)
    _register(store)
    store.create_bucket("inputs")
    store.put_bytes("s3://inputs/leaver/rows.csv", b"1,2,3\n4,5,6\n")
    spec = build_spec(
        job_name="leaver-job",
        model_name="leaver",
        data="s3://inputs/leaver/",
        output_path="s3://outputs/leaver-job",
        content_type="text/csv",
        split_type="Line",
        accept="text/csv",
    )
    submit(settings, spec)
    record = wait(settings, "leaver-job", timeout=120)
    assert record.status == "Completed", record.failure_reason
    pids = [int(line) for line in pid_file.read_text().split()]
    assert pids
    for pid in pids:
        wait_until(
            lambda pid=pid: not pid_exists(pid) or _zombie(pid),
            timeout=20,
            what=f"the leftover process {pid} to end",
        )
    log = (job_dir(settings, "leaver-job") / "logs.txt").read_text()
    assert "left" in log and "process(es) running" in log


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return True
