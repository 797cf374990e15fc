"""Entry point kinds (.py, .sh, package), framework estimators and multi-host channels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sabio.estimator import Estimator
from sabio.exceptions import FrameworkNotInstalledError
from sabio.inputs import TrainingInput
from sabio.pytorch import PyTorch
from sabio.session import Session
from sabio.sklearn import SKLearn
from sabio.tensorflow import TensorFlow
from sabio.training import TRAINING
from sabio.xgboost import XGBoost

from ._helpers import job_log, model_json, tar_members
from .conftest import WriteFile


def test_fit_shell_entry_point_runs_with_sh(
    session: Session, write_file: WriteFile, capsys: pytest.CaptureFixture[str]
) -> None:
    script = write_file(
        "train.sh",
        """
        echo "shell args: $*"
        echo "training channel: $(ls "$SM_CHANNEL_TRAINING")"
        echo "host $SM_CURRENT_HOST" > "$SM_MODEL_DIR/shell.txt"
        """,
    )
    data = write_file("data/rows.csv", "1\n")
    estimator = Estimator(
        entry_point=str(script), hyperparameters={"depth": 3}, sagemaker_session=session
    )
    estimator.fit(str(data.parent), job_name="shell-job")  # a plain URI is channel "training"

    out = capsys.readouterr().out
    assert "shell args: --depth 3" in out  # fit(logs=True) streams the job's log
    assert "training channel: rows.csv" in out
    assert "Completed - Training job completed" in out
    assert "Billable seconds:" in out
    estimator.logs()  # the finished job's log again
    assert "shell args: --depth 3" in capsys.readouterr().out
    assert tar_members(session, estimator.model_data) == {"shell.txt": b"host algo-1\n"}
    usage = estimator.describe()["ResourceUsage"]
    assert usage["EstimatedCloudCostUSD"] is None  # instance_type="local" has no price


def test_fit_package_entry_point_runs_with_python_m(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    write_file("src/trainer/__init__.py", "")
    write_file("src/trainer/util.py", "NAME = 'util'\n")
    write_file(
        "src/trainer/__main__.py",
        """
        import json, os, sys
        from trainer import util
        with open(os.path.join(os.environ["SM_MODEL_DIR"], "out.json"), "w") as fh:
            json.dump({"argv": sys.argv[1:], "util": util.NAME, "main": __name__}, fh)
        """,
    )
    estimator = PyTorch(
        entry_point="trainer",
        source_dir=str(tmp_path / "src"),
        framework_version="2.1",
        py_version="py310",
        hyperparameters={"epochs": 1},
        sagemaker_session=session,
    )
    estimator.fit(job_name="package-job", logs=False)

    out = model_json(session, "package-job", "out.json")
    assert out == {"argv": ["--epochs", "1"], "util": "util", "main": "__main__"}


def test_fit_framework_estimators_run_in_this_environment(
    session: Session, write_file: WriteFile
) -> None:
    script = write_file(
        "fw.py",
        """
        import json, os
        with open(os.path.join(os.environ["SM_MODEL_DIR"], "fw.json"), "w") as fh:
            json.dump({"module": os.environ["SM_FRAMEWORK_MODULE"]}, fh)
        """,
    )
    estimator = SKLearn(
        entry_point=str(script),
        framework_version="1.2-1",
        py_version="py3",
        instance_type="local",
        role="SageMakerRole",
        sagemaker_session=session,
    )
    estimator.fit(job_name="sklearn-job", logs=False)
    assert model_json(session, "sklearn-job", "fw.json") == {"module": "scikit-learn"}
    XGBoost(entry_point=str(script), framework_version="1.7-1", sagemaker_session=session)


def test_framework_estimator_missing_framework_says_pip_install(
    session: Session, write_file: WriteFile
) -> None:
    script = write_file("tf.py", "print('hi')\n")
    with pytest.raises(FrameworkNotInstalledError, match=r"pip install tensorflow") as info:
        TensorFlow(entry_point=str(script), framework_version="2.13", sagemaker_session=session)
    assert isinstance(info.value, ImportError)
    assert session.catalog.jobs(TRAINING).names() == []


MULTI_HOST_SCRIPT = """
import json, os
def files(channel):
    root = os.environ["SM_CHANNEL_" + channel.upper()]
    return sorted(os.listdir(root))
host = os.environ["SM_CURRENT_HOST"]
seen = {
    "host": host,
    "hosts": json.loads(os.environ["SM_HOSTS"]),
    "resource": json.load(open(os.path.join(
        os.environ["SM_INPUT_CONFIG_DIR"], "resourceconfig.json"))),
    "sharded": files("sharded"),
    "full": files("full"),
}
with open(os.path.join(os.environ["SM_MODEL_DIR"], host + ".json"), "w") as fh:
    json.dump(seen, fh)
print("hello from", host)
"""


def test_fit_two_hosts_shards_and_replicates_channels(
    session: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    for i in range(5):
        write_file(f"sharded/part-{i}.csv", f"{i}\n")
    for name in ("x.csv", "y.csv"):
        write_file(f"full/{name}", "z\n")
    script = write_file("multi.py", MULTI_HOST_SCRIPT)
    estimator = Estimator(entry_point=str(script), instance_count=2, sagemaker_session=session)
    estimator.fit(
        {
            "sharded": TrainingInput(str(tmp_path / "sharded"), distribution="ShardedByS3Key"),
            "full": TrainingInput(str(tmp_path / "full"), distribution="FullyReplicated"),
        },
        job_name="multi-host",
        logs=False,
    )

    first = model_json(session, "multi-host", "algo-1.json")
    second = model_json(session, "multi-host", "algo-2.json")
    assert (first["host"], second["host"]) == ("algo-1", "algo-2")
    assert first["hosts"] == second["hosts"] == ["algo-1", "algo-2"]
    assert first["resource"]["current_host"] == "algo-1"
    assert second["resource"]["current_host"] == "algo-2"
    assert first["full"] == second["full"] == ["x.csv", "y.csv"]
    assert first["sharded"] and second["sharded"]
    assert not set(first["sharded"]) & set(second["sharded"])
    assert sorted(first["sharded"] + second["sharded"]) == [f"part-{i}.csv" for i in range(5)]

    log = job_log(session, "multi-host")
    assert "[algo-1] hello from algo-1" in log
    assert "[algo-2] hello from algo-2" in log
    description = session.describe_training_job("multi-host")
    assert description["ResourceConfig"]["InstanceCount"] == 2
    assert json.loads(json.dumps(description, default=str))["TrainingJobStatus"] == "Completed"
