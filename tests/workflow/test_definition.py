"""The SDK writes SageMaker's pipeline-definition JSON; PipelineSession defers SDK calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sabio.estimator import Estimator
from sabio.exceptions import ValidationError
from sabio.inputs import TrainingInput
from sabio.training import TRAINING
from sabio.workflow.condition_step import ConditionStep
from sabio.workflow.conditions import ConditionGreaterThanOrEqualTo, ConditionIn, ConditionNot
from sabio.workflow.execution_variables import ExecutionVariables
from sabio.workflow.fail_step import FailStep
from sabio.workflow.functions import Join, JsonGet
from sabio.workflow.parameters import ParameterFloat, ParameterInteger, ParameterString
from sabio.workflow.pipeline import Pipeline
from sabio.workflow.pipeline_context import PipelineSession, _StepArguments
from sabio.workflow.properties import PropertyFile
from sabio.workflow.retry import SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy
from sabio.workflow.steps import CacheConfig, TrainingStep, TuningStep

SCRIPT = "import os\nopen(os.path.join(os.environ['SM_MODEL_DIR'], 'm.txt'), 'w').write('1')\n"


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT)
    return path


def _training_step(session: PipelineSession, script: Path, data: Any) -> TrainingStep:
    estimator = Estimator(
        entry_point=str(script),
        hyperparameters={"epochs": ParameterInteger("Epochs", 3), "rate": 0.1},
        sagemaker_session=session,
    )
    args = estimator.fit({"train": TrainingInput(data, content_type="text/csv")})
    assert isinstance(args, _StepArguments)
    return TrainingStep(
        name="Train",
        step_args=args,
        cache_config=CacheConfig(enable_caching=True, expire_after="PT1H"),
        retry_policies=[
            SageMakerJobStepRetryPolicy(
                exception_types=[SageMakerJobExceptionTypeEnum.INTERNAL_ERROR], max_attempts=2
            )
        ],
    )


def test_definition_training_step_is_a_create_training_job_request(
    sabio_home: Path, script: Path
) -> None:
    session = PipelineSession()
    data = ParameterString("Data", "s3://sabio-default/data")
    pipeline = Pipeline(
        name="p",
        parameters=[data, ParameterInteger("Epochs", 3)],
        steps=[_training_step(session, script, data)],
        sagemaker_session=session,
    )
    document = json.loads(pipeline.definition())
    assert document["Version"] == "2020-12-01"
    assert document["Parameters"] == [
        {"Name": "Data", "Type": "String", "DefaultValue": "s3://sabio-default/data"},
        {"Name": "Epochs", "Type": "Integer", "DefaultValue": 3},
    ]
    step = document["Steps"][0]
    assert step["Type"] == "Training"
    assert step["CacheConfig"] == {"Enabled": True, "ExpireAfter": "PT1H"}
    assert step["RetryPolicies"] == [
        {
            "ExceptionType": ["SageMaker.JOB_INTERNAL_ERROR"],
            "BackoffRate": 2.0,
            "IntervalSeconds": 1,
            "MaxAttempts": 2,
        }
    ]
    arguments = step["Arguments"]
    channel = arguments["InputDataConfig"][0]
    assert channel["DataSource"]["S3DataSource"]["S3Uri"] == {"Get": "Parameters.Data"}
    assert channel["ContentType"] == "text/csv"
    hyperparameters = arguments["HyperParameters"]
    assert hyperparameters["epochs"] == {"Get": "Parameters.Epochs"}
    assert hyperparameters["rate"] == "0.1"
    assert hyperparameters["sagemaker_program"] == '"train.py"'
    code = json.loads(hyperparameters["sagemaker_submit_directory"])
    assert session.store.exists(code)
    # The same code gets the same URI (the step cache keys on it) ...
    again = json.loads(pipeline.definition())["Steps"][0]["Arguments"]["HyperParameters"]
    assert again["sagemaker_submit_directory"] == hyperparameters["sagemaker_submit_directory"]
    # ... and nothing ran.
    assert session.catalog.jobs(TRAINING).list() == []


def test_definition_properties_functions_and_conditions(sabio_home: Path, script: Path) -> None:
    session = PipelineSession()
    train = _training_step(session, script, "s3://sabio-default/data")
    assert train.properties.ModelArtifacts.S3ModelArtifacts.expr == {
        "Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"
    }
    outputs = train.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri
    assert outputs.expr == {
        "Get": "Steps.Train.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"
    }
    tuning = TuningStep(name="Tune", step_args=None)
    assert tuning.get_top_model_s3_uri(top_k=1, s3_bucket="b", prefix="m").expr == {
        "Std:Join": {
            "On": "/",
            "Values": [
                "s3:/",
                "b",
                "m",
                {"Get": "Steps.Tune.TrainingJobSummaries[1].TrainingJobName"},
                "output/model.tar.gz",
            ],
        }
    }
    report = PropertyFile(name="Report", output_name="evaluation", path="evaluation.json")
    r2 = JsonGet(step_name="Eval", property_file=report, json_path="metrics.r2.value")
    threshold = ParameterFloat("MinR2", 0.7)
    condition = ConditionStep(
        name="Check",
        conditions=[
            ConditionGreaterThanOrEqualTo(left=r2, right=threshold),
            ConditionNot(ConditionIn(ExecutionVariables.PIPELINE_NAME, ["x"])),
        ],
        if_steps=[FailStep("Yes", error_message=Join(on="-", values=["r2", r2]))],
        else_steps=[],
    )
    request = condition.to_request()
    assert request["Arguments"]["Conditions"][0] == {
        "Type": "GreaterThanOrEqualTo",
        "LeftValue": {
            "Std:JsonGet": {
                "PropertyFile": {"Get": "Steps.Eval.PropertyFiles.Report"},
                "Path": "metrics.r2.value",
            }
        },
        "RightValue": {"Get": "Parameters.MinR2"},
    }
    assert request["Arguments"]["Conditions"][1]["Expression"]["QueryValue"] == {
        "Get": "Execution.PipelineName"
    }
    assert request["Arguments"]["IfSteps"][0]["Arguments"]["ErrorMessage"]["Std:Join"]["On"] == "-"


def test_definition_upsert_refuses_a_reference_to_a_missing_field(
    sabio_home: Path, script: Path
) -> None:
    session = PipelineSession()
    train = _training_step(session, script, "s3://sabio-default/data")
    fail = FailStep("Stop", error_message=train.properties.ProcessingJobName)
    pipeline = Pipeline(
        name="bad",
        parameters=[ParameterInteger("Epochs", 3)],
        steps=[train, fail],
        sagemaker_session=session,
    )
    with pytest.raises(ValidationError, match=r"Step 'Stop'.*has no property 'ProcessingJobName'"):
        pipeline.upsert()
    assert not session.catalog.pipelines().exists("bad")


def test_definition_pipeline_variable_cannot_become_text(sabio_home: Path) -> None:
    with pytest.raises(TypeError, match="Join"):
        str(ParameterString("Name"))
    with pytest.raises(ValidationError, match="default_value 'x' \\(str\\) is not a Integer"):
        ParameterInteger("N", "x")  # type: ignore[arg-type]
