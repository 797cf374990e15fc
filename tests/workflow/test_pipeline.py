"""Pipelines from the SDK: upsert, start, wait, steps, cache hits, lambda results."""

from __future__ import annotations

from pathlib import Path

from sabio.estimator import Estimator
from sabio.lambda_helper import Lambda
from sabio.model import Model
from sabio.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep
from sabio.workflow.model_step import ModelStep
from sabio.workflow.parameters import ParameterInteger
from sabio.workflow.pipeline import Pipeline
from sabio.workflow.pipeline_context import PipelineSession
from sabio.workflow.steps import CacheConfig, TrainingStep

SCRIPT = (
    "import os\n"
    "open(os.path.join(os.environ['SM_MODEL_DIR'], 'm.txt'), 'w').write('1')\n"
    "print('loss: 0.25')\n"
)


def double(event, context):  # type: ignore[no-untyped-def]
    return {"y": event["x"] * 2}


def test_pipeline_train_create_model_lambda_then_cached(sabio_home: Path, tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(SCRIPT)
    (tmp_path / "data.csv").write_text("1,2\n")
    session = PipelineSession()
    data = session.upload_data(str(tmp_path / "data.csv"), key_prefix="pipeline-data")
    estimator = Estimator(
        entry_point=str(tmp_path / "train.py"),
        metric_definitions=[{"Name": "loss", "Regex": "loss: ([0-9.]+)"}],
        sagemaker_session=session,
    )
    train = TrainingStep(
        name="Train",
        step_args=estimator.fit({"train": data}),
        cache_config=CacheConfig(enable_caching=True, expire_after="PT1H"),
    )
    model = Model(
        model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
        image_uri="sabio/script-mode",
        entry_point="train.py",
        source_dir=str(tmp_path),
        sagemaker_session=session,
    )
    create = ModelStep(name="Model", step_args=model.create())
    x = ParameterInteger("X", 4)
    output = LambdaOutput("y", LambdaOutputTypeEnum.Integer)
    twice = LambdaStep(
        name="Double",
        lambda_func=Lambda(function=double, session=session),
        inputs={"x": x},
        outputs=[output],
    )
    pipeline = Pipeline(
        name="sdk", parameters=[x], steps=[train, create, twice], sagemaker_session=session
    )
    assert pipeline.upsert()["PipelineArn"].endswith(":pipeline/sdk")

    first = pipeline.start()
    first.wait(timeout=180)
    steps = {s["StepName"]: s for s in first.list_steps()}
    assert {name: s["StepStatus"] for name, s in steps.items()} == {
        "Train": "Succeeded",
        "Model-CreateModel": "Succeeded",
        "Double": "Succeeded",
    }
    assert "CacheHitResult" not in steps["Train"]
    assert steps["Train"]["Metadata"]["TrainingJob"]["Arn"].startswith("arn:aws:sagemaker:")
    assert first.result("Double") == {"y": 8}
    assert first.describe()["PipelineExecutionStatus"] == "Succeeded"

    second = pipeline.start(parameters={"X": 5})
    second.wait(timeout=180)
    steps = {s["StepName"]: s for s in second.list_steps()}
    assert steps["Train"]["CacheHitResult"]["SourcePipelineExecutionArn"] == first.arn
    assert second.result("Double") == {"y": 10}
    summaries = pipeline.list_executions()["PipelineExecutionSummaries"]
    assert [s["PipelineExecutionArn"] for s in summaries] == [second.arn, first.arn]
