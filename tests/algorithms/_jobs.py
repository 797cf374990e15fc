"""Lay out SageMaker-style job folders and run built-in programs in them (the real contract)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import sabio.algorithms

SRC = Path(sabio.algorithms.__file__).resolve().parents[2]
DATASETS = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"


@dataclass
class Job:
    """A job folder and the outcome of running a built-in in it."""

    root: Path
    returncode: int = -1
    stdout: str = ""
    stderr: str = ""

    @property
    def model_dir(self) -> Path:
        return self.root / "model"

    @property
    def output_data_dir(self) -> Path:
        return self.root / "output" / "data"

    @property
    def failure(self) -> str | None:
        path = self.root / "output" / "failure"
        return path.read_text(encoding="utf-8") if path.exists() else None

    def metrics(self) -> list[dict[str, Any]]:
        path = self.root / "metrics.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def metric_names(self) -> set[str]:
        return {record["name"] for record in self.metrics()}

    def evaluation(self) -> dict[str, Any]:
        return json.loads((self.model_dir / "evaluation.json").read_text())


def write_channel(
    folder: Path, data: pd.DataFrame | str | bytes, *, header: bool, fmt: str
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str | bytes):
        raw = data.encode() if isinstance(data, str) else data
        (folder / f"part-0.{fmt}").write_bytes(raw)
    elif fmt == "parquet":
        data.to_parquet(folder / "part-0.parquet", index=False)
    else:
        data.to_csv(folder / "part-0.csv", index=False, header=header)


def make_job(
    root: Path,
    channels: dict[str, pd.DataFrame | str | bytes],
    hyperparameters: dict[str, Any],
    *,
    header: bool = False,
    fmt: str = "csv",
    content_types: dict[str, str] | None = None,
) -> Job:
    """Create ``root`` laid out like /opt/ml with the given channels and hyperparameters."""
    config = root / "input" / "config"
    config.mkdir(parents=True)
    (root / "model").mkdir()
    (root / "output" / "data").mkdir(parents=True)
    (root / "code").mkdir()
    hps = {key: json.dumps(value) for key, value in hyperparameters.items()}
    (config / "hyperparameters.json").write_text(json.dumps(hps))
    data_config = {
        name: {"TrainingInputMode": "File", "S3DistributionType": "FullyReplicated"}
        | ({"ContentType": content_types[name]} if content_types and name in content_types else {})
        for name in channels
    }
    (config / "inputdataconfig.json").write_text(json.dumps(data_config))
    resource = {"current_host": "algo-1", "hosts": ["algo-1"]}
    (config / "resourceconfig.json").write_text(json.dumps(resource))
    for name, data in channels.items():
        write_channel(root / "input" / "data" / name, data, header=header, fmt=fmt)
    return Job(root)


def job_environ(job: Job) -> dict[str, str]:
    """The SM_* environment a launcher gives a job in ``job.root``."""
    root = job.root
    config = root / "input" / "config"
    hps = {
        key: _decode(value)
        for key, value in json.loads((config / "hyperparameters.json").read_text()).items()
    }
    channels = sorted(json.loads((config / "inputdataconfig.json").read_text()))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SM_", "SABIO_", "SAGEMAKER_"))
    }
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "SAGEMAKER_BASE_DIR": str(root),
            "SM_MODEL_DIR": str(root / "model"),
            "SM_OUTPUT_DATA_DIR": str(root / "output" / "data"),
            "SM_OUTPUT_DIR": str(root / "output"),
            "SM_INPUT_DIR": str(root / "input"),
            "SM_INPUT_CONFIG_DIR": str(config),
            "SM_INPUT_DATA_CONFIG": (config / "inputdataconfig.json").read_text(),
            "SM_CHANNELS": json.dumps(channels),
            "SM_HPS": json.dumps(hps),
            "SM_NUM_CPUS": "1",
            "SM_NUM_GPUS": "0",
            "SM_HOSTS": '["algo-1"]',
            "SM_CURRENT_HOST": "algo-1",
            "SABIO_METRICS_FILE": str(root / "metrics.jsonl"),
            "PYTHONWARNINGS": "default",
        }
    )
    for name in channels:
        env[f"SM_CHANNEL_{name.upper()}"] = str(root / "input" / "data" / name)
    return env


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def cli_args(job: Job) -> list[str]:
    """Hyperparameters as the contract's sorted ``--key value`` arguments."""
    raw = json.loads((job.root / "input" / "config" / "hyperparameters.json").read_text())
    args: list[str] = []
    for key in sorted(raw):
        args += [f"--{key}", str(_decode(raw[key]))]
    return args


def start_job(job: Job, algorithm: str) -> subprocess.Popen[str]:
    """Start ``python -m sabio.algorithms.<algorithm>`` in the job folder, as a launcher would."""
    return subprocess.Popen(
        [sys.executable, "-m", f"sabio.algorithms.{algorithm}", *cli_args(job)],
        cwd=job.root / "code",
        env=job_environ(job),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_job(job: Job, process: subprocess.Popen[str], *, timeout: float = 180) -> Job:
    """Wait for a started job and record its exit status and output."""
    job.stdout, job.stderr = process.communicate(timeout=timeout)
    job.returncode = process.returncode
    return job


def run_job(job: Job, algorithm: str, *, timeout: float = 180) -> Job:
    """Run a built-in in the job folder and wait for it."""
    return finish_job(job, start_job(job, algorithm), timeout=timeout)
