"""Processing jobs run by their supervisor: inputs in, program, outputs out, outcomes."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sabio import processing_jobs
from sabio._config import Settings, load_settings
from sabio.catalog import Catalog
from sabio.exceptions import NotFoundError, ValidationError
from sabio.processing_jobs import PROCESSING, ProcessingJobSpec, start_processing_job
from sabio.storage import Store

COPY = """
import json, os, sys
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
out = args["--out"]
for name in ("--a", "--b", "--c"):
    folder = args[name]
    for root, _, files in os.walk(folder):
        for f in sorted(files):
            with open(os.path.join(root, f)) as fh:
                text = fh.read()
            with open(os.path.join(out, name.strip("-") + "-" + f), "w") as o:
                o.write(text.upper())
with open(os.path.join(args["--meta"], "env.json"), "w") as fh:
    json.dump({k: v for k, v in os.environ.items() if k.startswith("SABIO_PROCESSING")}, fh)
print("processed", sorted(os.listdir(out)), flush=True)
"""


@pytest.fixture
def settings(sabio_home: Path) -> Settings:
    settings = load_settings()
    Store(settings).create_bucket("bucket")
    return settings


def _spec(name: str, script: Path, arguments: list[str], **values: Any) -> ProcessingJobSpec:
    return ProcessingJobSpec(
        job_name=name,
        entrypoint=["python3", str(script)],
        arguments=arguments,
        **values,
    )


def _script(tmp: Path, text: str) -> Path:
    path = tmp / "script.py"
    path.write_text(textwrap.dedent(text))
    return path


def test_inputs_in_program_outputs_out(settings: Settings, tmp_path: Path) -> None:
    store = Store(settings)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "one.csv").write_text("a,b\n")
    uri = store.upload(tmp_path / "raw", "bucket", "raw")
    (tmp_path / "folder" / "sub").mkdir(parents=True)
    (tmp_path / "folder" / "sub" / "two.txt").write_text("two")
    (tmp_path / "three.txt").write_text("three")
    script = _script(tmp_path, COPY)
    spec = ProcessingJobSpec.model_validate(
        {
            "job_name": "prep-1",
            "entrypoint": ["python3", str(script)],
            "arguments": [
                "--a",
                "/opt/ml/processing/input/a",
                "--b",
                "/opt/ml/processing/input/b",
                "--c",
                "/opt/ml/processing/input/c",
                "--out",
                "/opt/ml/processing/output/upper",
                "--meta",
                "/opt/ml/processing/output/meta",
            ],
            "inputs": [
                {"name": "a", "uri": uri, "local_path": "/opt/ml/processing/input/a"},
                {
                    "name": "b",
                    "uri": f"file://{tmp_path / 'folder'}",
                    "local_path": "/opt/ml/processing/input/b",
                },
                {
                    "name": "c",
                    "uri": str(tmp_path / "three.txt"),
                    "local_path": "/opt/ml/processing/input/c",
                },
            ],
            "outputs": [
                {
                    "name": "upper",
                    "local_path": "/opt/ml/processing/output/upper",
                    "uri": "s3://bucket/prep-1/output/upper",
                    "upload_mode": "Continuous",
                },
                {
                    "name": "meta",
                    "local_path": "/opt/ml/processing/output/meta",
                    "uri": f"file://{tmp_path / 'meta-out'}",
                },
            ],
        }
    )
    assert start_processing_job(settings, spec) == "prep-1"
    record = processing_jobs.wait(settings, "prep-1", timeout=120)
    log = (processing_jobs.job_dir(settings, "prep-1") / "logs.txt").read_text()
    assert record.status == "Completed", (record.failure_reason, log)
    assert store.list("s3://bucket/prep-1/output/upper") == [
        "s3://bucket/prep-1/output/upper/a-one.csv",
        "s3://bucket/prep-1/output/upper/b-two.txt",
        "s3://bucket/prep-1/output/upper/c-three.txt",
    ]
    assert store.get_bytes("s3://bucket/prep-1/output/upper/b-two.txt") == b"TWO"
    assert "uploads it once, when the program ends (EndOfJob)" in log
    assert "processed ['a-one.csv', 'b-two.txt', 'c-three.txt']" in log
    env = json.loads((tmp_path / "meta-out" / "env.json").read_text())
    host = processing_jobs.job_dir(settings, "prep-1") / "algo-1"
    assert env["SABIO_PROCESSING_INPUT_A"] == str(host / "processing" / "input" / "a")
    assert env["SABIO_PROCESSING_OUTPUT_UPPER"] == str(host / "processing" / "output" / "upper")
    config = json.loads((host / "config" / "processingjobconfig.json").read_text())
    assert config["ProcessingJobName"] == "prep-1"
    assert record.details["Outputs"] == {"upper": 3, "meta": 1}
    assert record.started_at is not None and record.ended_at is not None


def test_failed_program_fails_the_job_with_its_stderr_and_uploads_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    script = _script(
        tmp_path,
        """
        import sys
        open(sys.argv[2] + "/partial.txt", "w").write("x")
        print("cannot read the input file", file=sys.stderr)
        sys.exit(3)
        """,
    )
    spec = _spec(
        "prep-fails",
        script,
        ["--out", "/opt/ml/processing/out"],
        outputs=[
            {"name": "out", "local_path": "/opt/ml/processing/out", "uri": "s3://bucket/fails"}
        ],
    )
    start_processing_job(settings, spec)
    record = processing_jobs.wait(settings, "prep-fails", timeout=120)
    assert record.status == "Failed"
    assert record.exit_code == 3
    assert "AlgorithmError" in (record.failure_reason or "")
    assert "cannot read the input file" in (record.failure_reason or "")
    assert Store(settings).list("s3://bucket/") == []


def test_max_runtime_stops_the_program(settings: Settings, tmp_path: Path) -> None:
    script = _script(tmp_path, "import time\ntime.sleep(60)\n")
    start_processing_job(settings, _spec("prep-slow", script, [], max_runtime=1))
    record = processing_jobs.wait(settings, "prep-slow", timeout=120)
    assert record.status == "Stopped"
    assert "MaxRuntimeExceeded" in (record.failure_reason or "")


def test_sharded_input_splits_files_across_hosts(settings: Settings, tmp_path: Path) -> None:
    store = Store(settings)
    for index in range(4):
        store.put_bytes(f"s3://bucket/shards/part-{index}.csv", b"x")
    script = _script(
        tmp_path,
        """
        import os, sys
        print("host files", sorted(os.listdir(sys.argv[1])), flush=True)
        """,
    )
    spec = _spec(
        "prep-sharded",
        script,
        ["/opt/ml/processing/input/shards"],
        instance_count=2,
        inputs=[
            {
                "name": "shards",
                "uri": "s3://bucket/shards",
                "local_path": "/opt/ml/processing/input/shards",
                "distribution": "ShardedByS3Key",
            }
        ],
    )
    start_processing_job(settings, spec)
    assert processing_jobs.wait(settings, "prep-sharded", timeout=120).status == "Completed"
    log = (processing_jobs.job_dir(settings, "prep-sharded") / "logs.txt").read_text()
    assert "[algo-1] host files ['part-0.csv', 'part-2.csv']" in log
    assert "[algo-2] host files ['part-1.csv', 'part-3.csv']" in log


def test_bad_input_leaves_no_record(settings: Settings, tmp_path: Path) -> None:
    script = _script(tmp_path, "print(1)\n")
    empty = _spec(
        "prep-empty",
        script,
        [],
        inputs=[
            {"name": "raw", "uri": "s3://bucket/nothing", "local_path": "/opt/ml/processing/i"}
        ],
    )
    with pytest.raises(
        ValidationError, match="Input 'raw' of processing job 'prep-empty' is empty"
    ):
        start_processing_job(settings, empty)
    missing = _spec(
        "prep-missing",
        script,
        [],
        inputs=[
            {"name": "raw", "uri": str(tmp_path / "nope"), "local_path": "/opt/ml/processing/i"}
        ],
    )
    with pytest.raises(NotFoundError, match="does not exist"):
        start_processing_job(settings, missing)
    outside = _spec(
        "prep-outside",
        script,
        [],
        outputs=[{"name": "o", "local_path": "/opt/ml/model", "uri": "s3://bucket/o"}],
    )
    with pytest.raises(ValidationError, match="output 'o' has source '/opt/ml/model'"):
        start_processing_job(settings, outside)
    assert Catalog.open(settings).jobs(PROCESSING).names() == []


def test_python3_runs_this_interpreter(settings: Settings, tmp_path: Path) -> None:
    script = _script(tmp_path, "import sys\nprint('interpreter', sys.executable, flush=True)\n")
    start_processing_job(settings, _spec("prep-python", script, []))
    assert processing_jobs.wait(settings, "prep-python", timeout=120).status == "Completed"
    log = (processing_jobs.job_dir(settings, "prep-python") / "logs.txt").read_text()
    assert f"interpreter {sys.executable}" in log


HARD_CODED = """
import os
# A SageMaker processing script that names its folders in its body, not in its arguments.
with open("/opt/ml/processing/input/raw/rows.csv") as fh:
    rows = fh.read().splitlines()
os.makedirs("/opt/ml/processing/output/clean", exist_ok=True)
with open("/opt/ml/processing/output/clean/rows.csv", "w") as fh:
    fh.write("\\n".join(row.upper() for row in rows))
"""


def test_a_script_that_hard_codes_opt_ml_paths_runs_unchanged(
    settings: Settings, tmp_path: Path
) -> None:
    store = Store(settings)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "rows.csv").write_text("a,b\nc,d")
    uri = store.upload(tmp_path / "raw", "bucket", "hard-raw")
    spec = _spec(
        "hard-1",
        _script(tmp_path, HARD_CODED),
        [],
        inputs=[{"name": "raw", "uri": uri, "local_path": "/opt/ml/processing/input/raw"}],
        outputs=[
            {
                "name": "clean",
                "local_path": "/opt/ml/processing/output/clean",
                "uri": "s3://bucket/hard-1/clean",
            }
        ],
    )
    start_processing_job(settings, spec)
    record = processing_jobs.wait(settings, "hard-1", timeout=120)
    log = (processing_jobs.job_dir(settings, "hard-1") / "logs.txt").read_text()
    assert record.status == "Completed", (record.failure_reason, log)
    assert store.get_bytes("s3://bucket/hard-1/clean/rows.csv") == b"A,B\nC,D"
    assert not Path("/opt/ml/processing").exists()  # the machine's own /opt is untouched
