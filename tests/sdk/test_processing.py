"""sabio.processing: SageMaker's processors build one CreateProcessingJob request and run it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sabio.exceptions import (
    FrameworkNotInstalledError,
    JobFailedError,
    UnknownInstanceTypeError,
    ValidationError,
)
from sabio.processing import (
    FrameworkProcessor,
    ProcessingInput,
    ProcessingOutput,
    Processor,
    ScriptProcessor,
)
from sabio.processing_jobs import ProcessingJobSpec
from sabio.session import Session
from sabio.sklearn import SKLearn, SKLearnProcessor
from sabio.xgboost.processing import XGBoostProcessor

PREPROCESS = """
import argparse, os
import pandas as pd
parser = argparse.ArgumentParser()
parser.add_argument("--train-ratio", type=float)
parser.add_argument("--input", default="/opt/ml/processing/input")
parser.add_argument("--train", default="/opt/ml/processing/train")
parser.add_argument("--test", default="/opt/ml/processing/test")
args, _ = parser.parse_known_args()
frame = pd.read_csv(os.path.join(args.input, "rows.csv"))
cut = int(len(frame) * args.train_ratio)
frame[:cut].to_csv(os.path.join(args.train, "train.csv"), index=False)
frame[cut:].to_csv(os.path.join(args.test, "test.csv"), index=False)
print("rows", len(frame), flush=True)
"""


@pytest.fixture
def session(sabio_home: Path) -> Session:
    return Session()


def _data(tmp: Path) -> Path:
    folder = tmp / "data"
    folder.mkdir()
    (folder / "rows.csv").write_text("x,y\n" + "".join(f"{i},{i * 2}\n" for i in range(10)))
    return folder


def test_sklearn_processor_runs_a_script_with_sagemaker_defaults(
    session: Session, tmp_path: Path
) -> None:
    script = tmp_path / "preprocess.py"
    script.write_text(textwrap.dedent(PREPROCESS))
    processor = SKLearnProcessor(
        framework_version="1.2-1",
        instance_type="local",
        instance_count=1,
        sagemaker_session=session,
    )
    processor.run(
        code=str(script),
        inputs=[
            ProcessingInput(source=str(_data(tmp_path)), destination="/opt/ml/processing/input")
        ],
        outputs=[
            ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
            ProcessingOutput(output_name="test", source="/opt/ml/processing/test"),
        ],
        # The paths a SageMaker script defaults to, passed as arguments: they reach the job's
        # folder until jobs run in their own mount namespace.
        arguments=[
            "--train-ratio",
            "0.8",
            "--input=/opt/ml/processing/input",
            "--train",
            "/opt/ml/processing/train",
            "--test",
            "/opt/ml/processing/test",
        ],
        logs=False,
    )
    job = processor.latest_job
    assert job is not None and processor.jobs == [job]
    name = job.job_name
    assert name.startswith("sklearn-processing-")
    description = job.describe()
    assert description["ProcessingJobStatus"] == "Completed"
    bucket = session.default_bucket()
    inputs = {i["InputName"]: i["S3Input"] for i in description["ProcessingInputs"]}
    # SageMaker's layout: local inputs under <job>/input/<name>, the code under input/code.
    assert inputs["input-1"]["S3Uri"] == f"s3://{bucket}/{name}/input/input-1"
    assert inputs["code"]["S3Uri"] == f"s3://{bucket}/{name}/input/code/preprocess.py"
    assert inputs["code"]["LocalPath"] == "/opt/ml/processing/input/code"
    assert description["AppSpecification"]["ContainerEntrypoint"] == [
        "python3",
        "/opt/ml/processing/input/code/preprocess.py",
    ]
    outputs = {
        o["OutputName"]: o["S3Output"]["S3Uri"]
        for o in description["ProcessingOutputConfig"]["Outputs"]
    }
    assert outputs == {
        "train": f"s3://{bucket}/{name}/output/train",
        "test": f"s3://{bucket}/{name}/output/test",
    }
    train = session.store.get_bytes(f"{outputs['train']}/train.csv").decode()
    assert train.splitlines()[0] == "x,y" and len(train.splitlines()) == 9


def test_create_job_request_is_the_one_request_the_engine_runs(
    session: Session, tmp_path: Path
) -> None:
    script = tmp_path / "run.py"
    script.write_text("print('hi')\n")
    processor = ScriptProcessor(
        command=["python3"],
        image_uri="my-image:1",
        env={"MODE": "x"},
        max_runtime_in_seconds=99,
        sagemaker_session=session,
    )
    request = processor._create_job_request(
        inputs=None,
        outputs=[ProcessingOutput(source="/opt/ml/processing/out")],
        arguments=["--a", "1"],
        job_name="req-1",
        experiment_config={"ExperimentName": "e"},
        kms_key=None,
        logs=False,
        wait=False,
        code=str(script),
    )
    spec = ProcessingJobSpec.from_create_processing_job(request)
    assert spec.job_name == "req-1" and spec.environment == {"MODE": "x"}
    assert spec.max_runtime == 99 and spec.outputs[0].name == "output-1"
    assert request["AppSpecification"]["ImageUri"] == "my-image:1"
    assert request["ExperimentConfig"] == {"ExperimentName": "e"}
    # The code is uploaded once the request is valid; no job was started.
    assert session.store.exists(f"s3://{session.default_bucket()}/req-1/input/code/run.py")
    assert processor.latest_job is None


def test_a_refused_run_uploads_nothing(session: Session, tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text("print('hi')\n")
    processor = ScriptProcessor(command=["python3"], sagemaker_session=session)
    with pytest.raises(ValidationError, match=r"output 'out' has source '/tmp/out'.*outside"):
        processor.run(
            code=str(script),
            inputs=[
                ProcessingInput(source=str(_data(tmp_path)), destination="/opt/ml/processing/i")
            ],
            outputs=[ProcessingOutput(source="/tmp/out", output_name="out")],
            job_name="refused-1",
            wait=False,
            logs=False,
        )
    assert session.store.list(f"s3://{session.default_bucket()}/") == []
    sized = ScriptProcessor(
        command=["python3"], instance_type="ml.nope.large", sagemaker_session=session
    )
    with pytest.raises(UnknownInstanceTypeError, match=r"ml\.nope\.large"):
        sized.run(code=str(script), job_name="refused-2", wait=False, logs=False)
    assert session.store.list(f"s3://{session.default_bucket()}/") == []


def test_framework_processor_packs_source_dir_and_runs_runproc(
    session: Session, tmp_path: Path
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    (source / "main.py").write_text(
        "import sys\nfrom helpers import double\n"
        "open(sys.argv[2] + '/out.txt', 'w').write(str(double(int(sys.argv[1]))))\n"
    )
    processor = FrameworkProcessor(SKLearn, "1.2-1", sagemaker_session=session)
    processor.run(
        code="main.py",
        source_dir=str(source),
        outputs=[ProcessingOutput(output_name="result", source="/opt/ml/processing/result")],
        arguments=["21", "/opt/ml/processing/result"],
        job_name="framework-1",
        logs=False,
    )
    description = processor.latest_job.describe()  # type: ignore[union-attr]
    bucket = session.default_bucket()
    inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in description["ProcessingInputs"]}
    assert inputs == {
        "code": f"s3://{bucket}/framework-1/source/sourcedir.tar.gz",
        "entrypoint": f"s3://{bucket}/framework-1/source/runproc.sh",
    }
    assert description["AppSpecification"]["ContainerEntrypoint"] == [
        "/bin/bash",
        "/opt/ml/processing/input/entrypoint/runproc.sh",
    ]
    out = f"s3://{bucket}/framework-1/output/result/out.txt"
    assert session.store.get_bytes(out) == b"42"


def test_failed_job_raises_with_its_reason(session: Session, tmp_path: Path) -> None:
    script = tmp_path / "fail.py"
    script.write_text("import sys\nprint('broken input', file=sys.stderr)\nsys.exit(2)\n")
    processor = Processor(
        entrypoint=["python3", str(script)], sagemaker_session=session, base_job_name="fails"
    )
    with pytest.raises(
        JobFailedError, match=r"(?s)Error for Processing job fails-.*ExitCode 2.*broken input"
    ):
        processor.run(logs=False)


def test_processor_argument_checks() -> None:
    with pytest.raises(ValidationError, match="needs command="):
        ScriptProcessor(command=None)
    with pytest.raises(ValidationError, match="framework_version"):
        SKLearnProcessor(framework_version=None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="instance_count"):
        Processor(entrypoint=["true"], instance_count=0)
    with pytest.raises(ValidationError, match="not a framework estimator class"):
        FrameworkProcessor(object, "1.0")


def test_logs_without_wait_is_refused(session: Session) -> None:
    processor = Processor(entrypoint=["true"], sagemaker_session=session)
    with pytest.raises(ValidationError, match="Logs can only be shown if wait is set to True"):
        processor.run(wait=False, logs=True)


def test_missing_framework_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "xgboost" else real(name)
    )
    with pytest.raises(FrameworkNotInstalledError, match="pip install xgboost-cpu"):
        XGBoostProcessor("1.7-1")
