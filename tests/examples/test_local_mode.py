"""The SageMaker local-mode example runs unchanged with ``sabio run``, as script and notebook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.serving._kind import ENDPOINT

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "local_mode"


def _sabio_run(folder: Path, file: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SABIO_EXAMPLE_OUT"}
    env["SABIO_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "sabio", "run", file],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.timeout(700)
@pytest.mark.parametrize("file", ["local_mode.py", "local_mode.ipynb"])
def test_local_mode_example_runs_unchanged_with_sabio_run(tmp_path: Path, file: str) -> None:
    folder = tmp_path / "local_mode"
    shutil.copytree(EXAMPLE, folder)
    done = _sabio_run(folder, file, tmp_path / "home")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    accuracy = next(
        line for line in done.stdout.splitlines() if "endpoint accuracy on the test set" in line
    )
    assert float(accuracy.rsplit(" ", 1)[-1]) > 0.9
    assert "batch transform wrote 114 predictions" in done.stdout
    assert "agrees on 100% of 20 rows" in done.stdout
    # Relative file:// paths resolved against the notebook's folder: data, model, batch.
    assert (folder / "out" / "batch" / "test.csv.out").is_file()
    assert list((folder / "out" / "models").glob("*/output/model.tar.gz"))
    catalog = Catalog.open(load_settings(env={"SABIO_HOME": str(tmp_path / "home")}))
    assert catalog.jobs(ENDPOINT).list() == []
