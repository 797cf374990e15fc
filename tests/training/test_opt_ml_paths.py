"""Scripts that hard-code SageMaker's container paths (``/opt/ml/...``) run unchanged.

Each job's program runs in its own mount namespace with its host folder at ``/opt/ml``; two
jobs running at the same time each see their own, and the machine's ``/opt`` stays as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sabio.estimator import Estimator
from sabio.exceptions import JobFailedError
from sabio.session import Session
from sabio.supervision import opt_ml_command

from ._helpers import tar_members
from .conftest import WriteFile

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

# A script in the style of SageMaker's examples: container paths, no SM_* variables. It waits
# until the other job has started too, so both programs really run at the same time.
HARD_CODED = """
import json, os, sys, time

prefix = "/opt/ml/"
model_dir = prefix + "model"
train_dir = os.path.join(prefix, "input", "data", "train")
with open(os.path.join(prefix, "input/config/hyperparameters.json")) as fh:
    hps = json.load(fh)
rows = open(os.path.join(train_dir, "rows.csv")).read()
started = os.path.join(hps["meeting"].strip('"'), hps["who"].strip('"'))
open(started, "w").close()
deadline = time.time() + 60
while len(os.listdir(hps["meeting"].strip('"'))) < 2 and time.time() < deadline:
    time.sleep(0.05)
time.sleep(0.2)  # the other job has its /opt/ml mounted now: ours must still be ours
with open(os.path.join(model_dir, "seen.json"), "w") as fh:
    json.dump({"rows": open(os.path.join(train_dir, "rows.csv")).read(), "first": rows,
               "opt": sorted(os.listdir("/opt"))}, fh)
os.makedirs("/opt/ml/output/data", exist_ok=True)
open("/opt/ml/output/data/extra.txt", "w").write(hps["who"])
os.makedirs("/opt/ml/checkpoints", exist_ok=True)
open("/opt/ml/checkpoints/ckpt", "w").write("c")
"""


def _namespaces_work() -> bool:
    result = subprocess.run(
        opt_ml_command(["true"], Path("/"), "on"), capture_output=True, check=False
    )
    return result.returncode == 0


def test_two_concurrent_jobs_each_see_their_own_opt_ml(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    if not _namespaces_work():
        pytest.skip("this machine does not allow unprivileged mount namespaces")
    opt_before = sorted(os.listdir("/opt")) if os.path.isdir("/opt") else None
    script = write_file("src/train.py", HARD_CODED)
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    estimators = []
    for who in ("alpha", "beta"):
        data = write_file(f"data-{who}/rows.csv", f"{who}\n")
        estimator = Estimator(
            entry_point=str(script),
            instance_type="local",
            hyperparameters={"who": who, "meeting": str(meeting)},
            sagemaker_session=session,
        )
        estimator.fit({"train": str(data.parent)}, wait=False, logs=False)
        estimators.append(estimator)
    for who, estimator in zip(("alpha", "beta"), estimators, strict=True):
        estimator.latest_training_job.wait(logs=False)  # type: ignore[union-attr]
        description = estimator.describe()
        assert description["TrainingJobStatus"] == "Completed", description.get("FailureReason")
        model = tar_members(session, description["ModelArtifacts"]["S3ModelArtifacts"])
        seen = json.loads(model["seen.json"])
        assert seen["first"] == seen["rows"] == f"{who}\n"
        assert "ml" in seen["opt"]
        output = description["ModelArtifacts"]["S3ModelArtifacts"].replace(
            "model.tar.gz", "output.tar.gz"
        )
        assert tar_members(session, output)["extra.txt"] == f'"{who}"'.encode()
    # The machine's /opt is unchanged: no ml folder appeared, nothing was covered.
    assert (sorted(os.listdir("/opt")) if os.path.isdir("/opt") else None) == opt_before


def test_opt_ml_off_fails_with_the_sm_variables_to_use(
    sabio_home: Path, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.path.isdir("/opt/ml"):
        pytest.skip("this machine has a real /opt/ml")
    monkeypatch.setenv("SABIO_OPT_ML", "off")
    script = write_file("train.py", "open('/opt/ml/model/m.txt', 'w').write('x')\n")
    estimator = Estimator(entry_point=str(script), sagemaker_session=Session())
    with pytest.raises(JobFailedError):
        estimator.fit(logs=False)
    reason = estimator.describe()["FailureReason"]
    assert "/opt/ml" in reason and "SM_MODEL_DIR" in reason and "SM_CHANNEL_<NAME>" in reason


def test_opt_ml_command_required_mode_names_sm_variables_when_impossible(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no-such-folder"
    command = opt_ml_command([sys.executable, "-c", "print('ran')"], missing, "on")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "ran" not in result.stdout
    assert "SM_MODEL_DIR" in result.stderr and "SM_CHANNEL_" in result.stderr
    auto = opt_ml_command([sys.executable, "-c", "print('ran')"], missing, "auto")
    result = subprocess.run(auto, capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "ran"
    assert "SM_MODEL_DIR" in result.stderr


def test_opt_ml_command_off_leaves_the_command_alone() -> None:
    assert opt_ml_command(["python", "t.py"], Path("/x"), "off") == ["python", "t.py"]


def test_opt_ml_setting_is_checked(tmp_path: Path) -> None:
    from sabio._config import load_settings
    from sabio.exceptions import ConfigError

    env = {"SABIO_HOME": str(tmp_path)}
    assert load_settings(env).opt_ml == "auto"
    assert load_settings({**env, "SABIO_OPT_ML": "OFF"}).opt_ml == "off"
    with pytest.raises(ConfigError, match="opt_ml"):
        load_settings({**env, "SABIO_OPT_ML": "maybe"})
