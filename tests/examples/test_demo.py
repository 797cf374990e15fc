"""The README's main job runs end to end in its fast mode and leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.serving._kind import ENDPOINT
from sabio.training._kind import TRAINING
from sabio.transform._kind import TRANSFORM

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo" / "run.py"


@pytest.mark.timeout(600)
def test_demo_fast_mode_runs_the_lifecycle_and_cleans_up(tmp_path: Path) -> None:
    env = {**os.environ, "SABIO_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, str(DEMO), "--fast"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "[7/7] Delete the endpoint" in done.stdout
    for line in ("trained", "tuned", "endpoint", "transform", "test set", "report"):
        assert f"  {line}" in done.stdout
    report = next(line for line in done.stdout.splitlines() if line.startswith("  report"))
    assert Path(report.split()[-1]).is_file()
    catalog = Catalog.open(load_settings(env={"SABIO_HOME": str(tmp_path / "home")}))
    assert catalog.jobs(ENDPOINT).list() == []
    assert {r.status for r in catalog.jobs(TRAINING).list()} == {"Completed"}
    assert {r.status for r in catalog.jobs(TRANSFORM).list()} == {"Completed"}
