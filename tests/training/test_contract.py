"""The script-mode contract, seen from inside one SageMaker-style job run through the SDK.

One job (module-scoped, ~1 s) runs a script that dumps what it sees: environment, argv,
cwd, config files and channel files. The tests below each check one part of DESIGN §4.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import json
import sys
import tarfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sabio import get_execution_role
from sabio.estimator import Estimator
from sabio.inputs import TrainingInput
from sabio.session import Session
from sabio.training import job_dir
from sabio.training._kind import TRAINING

from ._helpers import job_log, tar_members

HYPERPARAMETERS: dict[str, Any] = {
    "epochs": 2,
    "lr": 0.1,
    "use_bias": True,
    "flag_off": False,
    "name": "xgb model",
    "layers": [64, 32],
    "opts": {"a": 1, "b": [1, 2]},
}

METRIC_DEFINITIONS = [
    {"Name": "train:rmse", "Regex": r"train-rmse:([0-9\.]+)"},
    {"Name": "train:rmse-011", "Regex": r".*\[[0-9]+\]#011train-rmse:([0-9\.]+)"},
    {"Name": "train:rmse-tab", "Regex": "\\[[0-9]+\\]\ttrain-rmse:([0-9\\.]+)"},
    {"Name": "never", "Regex": r"never-printed:([0-9\.]+)"},
]

TRAIN_SCRIPT = '''
import argparse
import json
import os
import sys

import contract_helper
import contract_mylib


def model_fn(model_dir):
    """SageMaker inference hook living next to the training code."""
    with open(os.path.join(model_dir, "model.json")) as fh:
        return json.load(fh)


def channel_files():
    found = {}
    for name in json.loads(os.environ["SM_CHANNELS"]):
        root = os.environ["SM_CHANNEL_" + name.upper()]
        found[name] = sorted(
            os.path.relpath(os.path.join(folder, f), root).replace(os.sep, "/")
            for folder, _, files in os.walk(root)
            for f in files
        )
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--model-dir", default=os.environ["SM_MODEL_DIR"])
    parser.add_argument("--train", default=os.environ["SM_CHANNEL_TRAIN"])
    args, _unknown = parser.parse_known_args()

    config_dir = os.path.join(os.environ["SAGEMAKER_BASE_DIR"], "input", "config")
    configs = {}
    for config in ("hyperparameters", "inputdataconfig", "resourceconfig"):
        with open(os.path.join(config_dir, config + ".json")) as fh:
            configs[config] = json.load(fh)
    keep = ("SM_", "SAGEMAKER_", "TRAINING_JOB_NAME", "CURRENT_HOST", "MY_VAR", "SABIO_")
    dump = {
        "env": {k: v for k, v in os.environ.items() if k.startswith(keep)},
        "argv": sys.argv[1:],
        "cwd": os.getcwd(),
        "script_dir": os.path.dirname(os.path.abspath(__file__)),
        "config": configs,
        "channels": channel_files(),
        "train_a": open(os.path.join(args.train, "a.csv")).read(),
        "helper": contract_helper.VALUE,
        "mylib": contract_mylib.VALUE,
        "parsed": {"epochs": args.epochs, "lr": args.lr},
    }
    with open(os.path.join(args.model_dir, "dump.json"), "w") as fh:
        json.dump(dump, fh)
    with open(os.path.join(args.model_dir, "model.json"), "w") as fh:
        json.dump({"epochs": args.epochs}, fh)
    os.makedirs(os.path.join(args.model_dir, "sub"), exist_ok=True)
    with open(os.path.join(args.model_dir, "sub", "nested.txt"), "w") as fh:
        fh.write("nested")
    with open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], "report.txt"), "w") as fh:
        fh.write("report")

    print("[0]\\ttrain-rmse:0.5")
    print("[1]\\ttrain-rmse:0.25")
    print("to stderr", file=sys.stderr)
    from sabio import runtime

    runtime.log_metric("validation:accuracy", 0.8, step=0)
    runtime.log_metric("validation:accuracy", 0.9, step=1)
    runtime.log_metrics({"validation:f1": 0.7, "validation:nan": float("nan")}, step=2)
'''


@dataclass
class ContractRun:
    """What the test module gets from the job run once."""

    root: Path
    session: Session
    estimator: Estimator
    name: str
    description: dict[str, Any]
    dump: dict[str, Any]
    log: str
    uploaded_folder: str
    uploaded_file: str


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContractRun]:
    root = tmp_path_factory.mktemp("contract")
    home = root / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SABIO_HOME", str(home))
        mp.setenv("SABIO_CPU_SLOTS", "2")
        for name in ("SABIO_DATABASE_URL", "SABIO_STORE_URL", "SABIO_CONFIG"):
            mp.delenv(name, raising=False)
        _write(root / "src" / "train.py", TRAIN_SCRIPT)
        _write(root / "src" / "contract_helper.py", "VALUE = 'helper'\n")
        _write(root / "src" / "requirements.txt", "numpy\n")
        _write(root / "src" / "__pycache__" / "junk.pyc", "junk")
        _write(root / "deps" / "contract_mylib" / "__init__.py", "VALUE = 'mylib'\n")
        _write(root / "data" / "train" / "a.csv", "1,2\n")
        _write(root / "data" / "train" / "nested" / "b.csv", "3,4\n")
        _write(root / "data" / "validation" / "v.csv", "5,6\n")
        _write(root / "data" / "single.csv", "7,8\n")
        _write(root / "data" / "remote" / "r1.csv", "9\n")
        _write(root / "data" / "remote" / "sub" / "r2.csv", "10\n")
        _write(root / "data" / "one.csv", "11\n")

        session = Session()
        session.store.create_bucket("results")
        uploaded_folder = session.upload_data(root / "data" / "remote", key_prefix="sets/remote")
        uploaded_file = session.upload_data(root / "data" / "one.csv", key_prefix="sets/file")
        estimator = Estimator(
            entry_point="train.py",
            source_dir=str(root / "src"),
            dependencies=[str(root / "deps" / "contract_mylib")],
            hyperparameters=HYPERPARAMETERS,
            role=get_execution_role(),
            instance_type="ml.m5.large",
            metric_definitions=METRIC_DEFINITIONS,
            output_path="s3://results/experiments",
            base_job_name="contract",
            sagemaker_session=session,
            environment={"MY_VAR": "hello"},
        )
        estimator.fit(
            {
                "train": str(root / "data" / "train"),
                "validation": TrainingInput(
                    f"file://{root / 'data' / 'validation'}", content_type="text/csv"
                ),
                "single": str(root / "data" / "single.csv"),
                "remote": uploaded_folder,
                "remotefile": TrainingInput(uploaded_file),
            },
            logs=False,
        )
        name = estimator.latest_training_job.name  # type: ignore[union-attr]
        description = estimator.describe()
        model = tar_members(session, description["ModelArtifacts"]["S3ModelArtifacts"])
        yield ContractRun(
            root=root,
            session=session,
            estimator=estimator,
            name=name,
            description=description,
            dump=json.loads(model["dump.json"]),
            log=job_log(session, name),
            uploaded_folder=uploaded_folder,
            uploaded_file=uploaded_file,
        )


def host_dir(run: ContractRun) -> Path:
    return job_dir(run.session.settings, run.name) / "algo-1"


# -- files and arguments -------------------------------------------------------------------


def test_hyperparameters_json_values_are_json_encoded_strings(run: ContractRun) -> None:
    written = run.dump["config"]["hyperparameters"]
    assert set(written) == set(HYPERPARAMETERS)
    assert all(isinstance(value, str) for value in written.values())
    assert {key: json.loads(value) for key, value in written.items()} == HYPERPARAMETERS
    assert written["name"] == '"xgb model"'
    assert written["use_bias"] == "true"


def test_argv_is_sorted_key_value_pairs(run: ContractRun) -> None:
    assert run.dump["argv"] == [
        "--epochs",
        "2",
        "--flag_off",
        "False",
        "--layers",
        "[64,32]",
        "--lr",
        "0.1",
        "--name",
        "xgb model",
        "--opts",
        '{"a":1,"b":[1,2]}',
        "--use_bias",
        "True",
    ]
    assert run.dump["parsed"] == {"epochs": 2, "lr": 0.1}


def test_inputdataconfig_lists_channels(run: ContractRun) -> None:
    config = run.dump["config"]["inputdataconfig"]
    assert sorted(config) == ["remote", "remotefile", "single", "train", "validation"]
    for entry in config.values():
        assert entry["TrainingInputMode"] == "File"
        assert entry["S3DistributionType"] == "FullyReplicated"
    assert config["validation"]["ContentType"] == "text/csv"
    assert "ContentType" not in config["train"]


def test_resourceconfig_names_the_host(run: ContractRun) -> None:
    config = run.dump["config"]["resourceconfig"]
    assert config["current_host"] == "algo-1"
    assert config["hosts"] == ["algo-1"]
    assert config["current_instance_type"] == "ml.m5.large"


# -- environment ---------------------------------------------------------------------------


def test_sm_environment_variables(run: ContractRun) -> None:
    env = run.dump["env"]
    base = host_dir(run)
    assert env["SAGEMAKER_BASE_DIR"] == str(base)
    assert env["SM_MODEL_DIR"] == str(base / "model")
    assert env["SM_OUTPUT_DATA_DIR"] == str(base / "output" / "data")
    assert env["SM_OUTPUT_DIR"] == str(base / "output")
    assert env["SM_INPUT_DIR"] == str(base / "input")
    assert env["SM_INPUT_CONFIG_DIR"] == str(base / "input" / "config")
    assert env["SM_CHANNELS"] == '["remote","remotefile","single","train","validation"]'
    assert env["SM_CHANNEL_TRAIN"] == str(base / "input" / "data" / "train")
    assert env["SM_CHANNEL_REMOTEFILE"] == str(base / "input" / "data" / "remotefile")
    assert env["SM_HOSTS"] == '["algo-1"]'
    assert env["SM_CURRENT_HOST"] == "algo-1"
    assert env["CURRENT_HOST"] == "algo-1"
    assert env["SM_NUM_CPUS"] == "2"  # ml.m5.large has 2 vCPUs
    assert env["SM_NUM_GPUS"] == "0"
    assert env["SM_USER_ENTRY_POINT"] == "train.py"
    assert env["TRAINING_JOB_NAME"] == run.name
    assert env["SM_MODULE_DIR"] == (f"s3://results/experiments/{run.name}/source/sourcedir.tar.gz")
    assert env["MY_VAR"] == "hello"


def test_sm_hps_and_hp_variables(run: ContractRun) -> None:
    env = run.dump["env"]
    assert json.loads(env["SM_HPS"]) == HYPERPARAMETERS
    assert " " not in env["SM_HPS"].replace("xgb model", "")  # compact JSON
    assert env["SM_HP_EPOCHS"] == "2"
    assert env["SM_HP_LR"] == "0.1"
    assert env["SM_HP_NAME"] == "xgb model"  # strings raw
    assert env["SM_HP_USE_BIAS"] == "true"
    assert env["SM_HP_FLAG_OFF"] == "false"
    assert env["SM_HP_LAYERS"] == "[64,32]"
    assert env["SM_HP_OPTS"] == '{"a":1,"b":[1,2]}'
    assert json.loads(env["SM_USER_ARGS"]) == run.dump["argv"]


def test_sm_training_env(run: ContractRun) -> None:
    training_env = json.loads(run.dump["env"]["SM_TRAINING_ENV"])
    base = host_dir(run)
    assert training_env["hosts"] == ["algo-1"]
    assert training_env["current_host"] == "algo-1"
    assert training_env["job_name"] == run.name
    assert training_env["hyperparameters"] == HYPERPARAMETERS
    assert training_env["model_dir"] == str(base / "model")
    assert training_env["user_entry_point"] == "train.py"
    assert training_env["module_name"] == "train"
    assert training_env["channel_input_dirs"]["train"] == str(base / "input" / "data" / "train")
    assert training_env["input_data_config"] == run.dump["config"]["inputdataconfig"]
    assert training_env["resource_config"] == run.dump["config"]["resourceconfig"]
    assert training_env["num_cpus"] == 2
    assert training_env["is_master"] is True


def test_cwd_is_code_folder(run: ContractRun) -> None:
    code = host_dir(run) / "code"
    assert run.dump["cwd"] == str(code)
    assert run.dump["script_dir"] == str(code)


def test_source_dir_and_dependencies_are_next_to_entry_point(run: ContractRun) -> None:
    assert run.dump["helper"] == "helper"
    assert run.dump["mylib"] == "mylib"
    code = host_dir(run) / "code"
    assert (code / "contract_helper.py").is_file()
    assert (code / "contract_mylib" / "__init__.py").is_file()


def test_requirements_already_satisfied_installs_nothing(run: ContractRun) -> None:
    assert "requirements.txt is already satisfied" in run.log
    assert "nothing to install" in run.log
    assert "Installing requirements.txt" not in run.log
    assert not (run.session.settings.cache_dir / "requirements").exists()


# -- channels ------------------------------------------------------------------------------


def test_channels_from_folder_file_uri_single_file_and_s3(run: ContractRun) -> None:
    assert run.dump["channels"] == {
        "train": ["a.csv", "nested/b.csv"],
        "validation": ["v.csv"],
        "single": ["single.csv"],
        "remote": ["r1.csv", "sub/r2.csv"],
        "remotefile": ["one.csv"],
    }
    assert run.dump["train_a"] == "1,2\n"


def test_upload_data_uris_used_as_channels(run: ContractRun) -> None:
    assert run.uploaded_folder == "s3://sabio-default/sets/remote"
    assert run.uploaded_file == "s3://sabio-default/sets/file/one.csv"
    inputs = {c["ChannelName"]: c for c in run.description["InputDataConfig"]}
    assert inputs["remote"]["DataSource"]["S3DataSource"]["S3Uri"] == run.uploaded_folder
    assert inputs["validation"]["ContentType"] == "text/csv"


# -- artifacts -----------------------------------------------------------------------------


def test_model_tar_is_flat_at_output_path(run: ContractRun, tmp_path: Path) -> None:
    uri = f"s3://results/experiments/{run.name}/output/model.tar.gz"
    assert run.description["ModelArtifacts"]["S3ModelArtifacts"] == uri
    assert run.estimator.model_data == uri
    files = run.session.download_data(
        tmp_path, bucket="results", key_prefix=f"experiments/{run.name}/output/model.tar.gz"
    )
    assert files == [str(tmp_path / "model.tar.gz")]
    with tarfile.open(files[0], "r:gz") as tar:
        names = tar.getnames()
        assert sorted(names) == ["dump.json", "model.json", "sub/nested.txt"]
        assert json.load(tar.extractfile("model.json")) == {"epochs": 2}  # type: ignore[arg-type]


def test_output_tar_holds_output_data(run: ContractRun) -> None:
    uri = f"s3://results/experiments/{run.name}/output/output.tar.gz"
    assert run.description["OutputDataUri"] == uri
    assert tar_members(run.session, uri) == {"report.txt": b"report"}


def test_sourcedir_tar_at_source_path(run: ContractRun) -> None:
    members = tar_members(
        run.session, f"s3://results/experiments/{run.name}/source/sourcedir.tar.gz"
    )
    assert sorted(members) == [
        "contract_helper.py",
        "contract_mylib/__init__.py",
        "requirements.txt",
        "train.py",
    ]


def test_model_fn_in_training_script_loads_model_without_training(
    run: ContractRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, model = tmp_path / "code", tmp_path / "model"
    for uri, dest in (
        (f"s3://results/experiments/{run.name}/source/sourcedir.tar.gz", code),
        (run.estimator.model_data, model),
    ):
        with tarfile.open(fileobj=io.BytesIO(run.session.store.get_bytes(uri))) as tar:
            tar.extractall(dest, filter="data")
    monkeypatch.syspath_prepend(str(code))
    for name in ("contract_helper", "contract_mylib"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    spec = importlib.util.spec_from_file_location("contract_train", code / "train.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the __main__ guard keeps training from running

    assert module.model_fn(str(model)) == {"epochs": 2}
    assert sorted(p.name for p in model.iterdir()) == ["dump.json", "model.json", "sub"]


# -- metrics -------------------------------------------------------------------------------


def test_metric_definitions_match_tabs_as_011_and_as_tab(run: ContractRun) -> None:
    catalog = run.session.catalog
    for name in ("train:rmse", "train:rmse-011", "train:rmse-tab"):
        got = catalog.jobs(TRAINING).metrics(run.name, name)
        assert [(m.step, m.value) for m in got] == [(0, 0.5), (1, 0.25)], name
    assert catalog.jobs(TRAINING).metrics(run.name, "never") == []


def test_runtime_log_metric_is_stored(run: ContractRun) -> None:
    catalog = run.session.catalog
    accuracy = catalog.jobs(TRAINING).metrics(run.name, "validation:accuracy")
    assert [(m.step, m.value) for m in accuracy] == [(0, 0.8), (1, 0.9)]
    assert [
        (m.step, m.value) for m in catalog.jobs(TRAINING).metrics(run.name, "validation:f1")
    ] == [(2, 0.7)]
    nan = catalog.jobs(TRAINING).metrics(run.name, "validation:nan")
    assert len(nan) == 1 and nan[0].value != nan[0].value


def test_training_job_analytics_dataframe(run: ContractRun) -> None:
    frame = run.estimator.training_job_analytics.dataframe()
    assert list(frame.columns) == ["timestamp", "metric_name", "value"]
    assert len(frame) == len(run.session.catalog.jobs(TRAINING).metrics(run.name))
    rows = frame[frame.metric_name == "validation:accuracy"]
    assert rows["value"].tolist() == [0.8, 0.9]
    assert (frame["timestamp"] >= 0).all()
    assert (frame["timestamp"] < 120).all()  # seconds since training started


def test_final_metric_data_list_has_last_values(run: ContractRun) -> None:
    final = {m["MetricName"]: m["Value"] for m in run.description["FinalMetricDataList"]}
    assert final["train:rmse"] == 0.25
    assert final["validation:accuracy"] == 0.9
    assert "never" not in final


# -- describe ------------------------------------------------------------------------------


def test_describe_has_sagemaker_keys(run: ContractRun) -> None:
    description = run.description
    assert description["TrainingJobName"] == run.name
    assert description["TrainingJobArn"].endswith(f"training-job/{run.name}")
    assert description["TrainingJobStatus"] == "Completed"
    assert description["SecondaryStatus"] == "Completed"
    assert "FailureReason" not in description
    assert description["HyperParameters"]["epochs"] == "2"
    assert all(isinstance(v, str) for v in description["HyperParameters"].values())
    assert description["OutputDataConfig"] == {"S3OutputPath": "s3://results/experiments"}
    assert description["ResourceConfig"]["InstanceType"] == "ml.m5.large"
    assert description["ResourceConfig"]["InstanceCount"] == 1
    assert description["StoppingCondition"]["MaxRuntimeInSeconds"] == 24 * 3600
    assert description["AlgorithmSpecification"]["MetricDefinitions"] == METRIC_DEFINITIONS
    created, started, ended = (
        description["CreationTime"],
        description["TrainingStartTime"],
        description["TrainingEndTime"],
    )
    assert created <= started <= ended
    assert created.tzinfo is not None


def test_describe_secondary_status_transitions_in_order(run: ContractRun) -> None:
    transitions = run.description["SecondaryStatusTransitions"]
    assert [t["Status"] for t in transitions] == [
        "Starting",
        "Downloading",
        "Training",
        "Uploading",
        "Completed",
    ]
    for before, after in itertools.pairwise(transitions):
        assert before["StartTime"] <= after["StartTime"]
        assert before["EndTime"] == after["StartTime"]
    assert all(t["StatusMessage"] for t in transitions)


def test_describe_resource_usage_and_cost(run: ContractRun) -> None:
    usage = run.description["ResourceUsage"]
    assert usage["CpuSeconds"] > 0
    assert usage["PeakRssBytes"] > 1_000_000
    assert usage["BillableSeconds"] > 0
    assert usage["WallSeconds"] >= usage["BillableSeconds"]
    cost = usage["EstimatedCloudCostUSD"]
    assert cost > 0
    assert cost == pytest.approx(usage["BillableSeconds"] / 3600 * 0.115, abs=1e-6)
    assert run.description["BillableTimeInSeconds"] == round(usage["BillableSeconds"])


def test_job_log_has_statuses_and_script_output(run: ContractRun) -> None:
    log = run.log
    for line in ("Starting - ", "Downloading - ", "Training - ", "Uploading - ", "Completed - "):
        assert line in log
    assert "[0]\ttrain-rmse:0.5" in log
    assert "to stderr" in log


def test_attach_rebuilds_estimator(run: ContractRun) -> None:
    attached = Estimator.attach(run.name)
    assert attached.model_data == run.estimator.model_data
    assert attached.latest_training_job is not None
    assert attached.latest_training_job.name == run.name
    assert attached.hyperparameters() == HYPERPARAMETERS
    assert attached.instance_type == "ml.m5.large"
    assert attached.describe()["TrainingJobStatus"] == "Completed"
