"""A new workspace, its catalog and its jobs' files are readable by their owner only (issue
19, finding 11d)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sabio.estimator import Estimator
from sabio.session import Session
from sabio.training import job_dir

SCRIPT = """
import os
with open(os.path.join(os.environ["SM_MODEL_DIR"], "weights.json"), "w") as fh:
    fh.write("{}")
print("trained")
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_workspace_catalog_and_job_files_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fresh" / "workspace"
    monkeypatch.setenv("SABIO_HOME", str(home))
    for name in ("SABIO_DATABASE_URL", "SABIO_STORE_URL", "SABIO_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    session = Session()
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    Estimator(entry_point=str(script), sagemaker_session=session).fit(
        job_name="private-job", logs=False
    )
    assert _mode(home) == 0o700
    assert _mode(home / "catalog.db") == 0o600
    folder = job_dir(session.settings, "private-job")
    for produced in (
        folder / "logs.txt",
        folder / "algo-1" / "model" / "weights.json",
        folder / "artifacts" / "model.tar.gz",
    ):
        assert produced.exists(), produced
        assert _mode(produced) & 0o077 == 0, f"{produced} is {oct(_mode(produced))}"


def test_existing_catalog_mode_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "shared"
    home.mkdir()
    (home / "catalog.db").touch(mode=0o640)
    (home / "catalog.db").chmod(0o640)
    monkeypatch.setenv("SABIO_HOME", str(home))
    for name in ("SABIO_DATABASE_URL", "SABIO_STORE_URL", "SABIO_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    assert Session().catalog is not None
    assert _mode(home / "catalog.db") == 0o640  # a team's chosen mode is theirs
