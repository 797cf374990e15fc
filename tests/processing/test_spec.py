"""ProcessingJobSpec: SageMaker's CreateProcessingJob request typed, and its rules."""

from __future__ import annotations

from typing import Any

import pytest

from sabio.exceptions import ValidationError
from sabio.processing_jobs import ProcessingJobSpec


def _request(**changes: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "ProcessingJobName": "prep-1",
        "ProcessingInputs": [
            {
                "InputName": "raw",
                "AppManaged": False,
                "S3Input": {
                    "S3Uri": "s3://bucket/raw",
                    "LocalPath": "/opt/ml/processing/input/raw",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                    "S3DataDistributionType": "ShardedByS3Key",
                    "S3CompressionType": "None",
                },
            }
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "train",
                    "AppManaged": False,
                    "S3Output": {
                        "S3Uri": "s3://bucket/prep-1/output/train",
                        "LocalPath": "/opt/ml/processing/train",
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ]
        },
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceCount": 2,
                "InstanceType": "ml.m5.large",
                "VolumeSizeInGB": 5,
            }
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 600},
        "AppSpecification": {
            "ImageUri": "sabio/sklearn-processing:1.2-1",
            "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/prep.py"],
            "ContainerArguments": ["--ratio", "0.2"],
        },
        "Environment": {"MODE": "fast"},
        "RoleArn": "arn:aws:iam::000000000000:role/sabio-local-execution-role",
    }
    request.update(changes)
    return request


def test_from_create_processing_job_types_every_field() -> None:
    spec = ProcessingJobSpec.from_create_processing_job(_request())
    assert spec.job_name == "prep-1"
    assert spec.entrypoint == ["python3", "/opt/ml/processing/input/code/prep.py"]
    assert spec.arguments == ["--ratio", "0.2"]
    assert spec.inputs[0].name == "raw" and spec.inputs[0].distribution == "ShardedByS3Key"
    assert spec.outputs[0].uri == "s3://bucket/prep-1/output/train"
    assert (spec.instance_type, spec.instance_count, spec.volume_size_in_gb) == (
        "ml.m5.large",
        2,
        5,
    )
    assert spec.max_runtime == 600 and spec.environment == {"MODE": "fast"}


def test_to_create_processing_job_gives_the_request_back() -> None:
    request = _request()
    again = ProcessingJobSpec.from_create_processing_job(request).to_create_processing_job()
    for key in (
        "ProcessingJobName",
        "ProcessingInputs",
        "ProcessingOutputConfig",
        "ProcessingResources",
        "StoppingCondition",
        "AppSpecification",
        "Environment",
    ):
        assert again[key] == request[key], key


def test_output_path_outside_the_job_is_refused_naming_the_output() -> None:
    request = _request()
    request["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["LocalPath"] = "/tmp/train"
    with pytest.raises(ValidationError, match=r"output 'train' has source '/tmp/train'.*outside"):
        ProcessingJobSpec.from_create_processing_job(request)


def test_output_path_climbing_out_with_dotdot_is_refused() -> None:
    request = _request()
    outputs = request["ProcessingOutputConfig"]["Outputs"]
    outputs[0]["S3Output"]["LocalPath"] = "/opt/ml/processing/../../../etc"
    with pytest.raises(ValidationError, match="outside the job's folder"):
        ProcessingJobSpec.from_create_processing_job(request)


def test_input_destination_must_be_under_opt_ml_processing() -> None:
    request = _request()
    request["ProcessingInputs"][0]["S3Input"]["LocalPath"] = "/opt/ml/model"
    with pytest.raises(ValidationError, match="input 'raw' has destination '/opt/ml/model'"):
        ProcessingJobSpec.from_create_processing_job(request)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("S3InputMode", "Pipe", "S3InputMode 'Pipe'"),
        ("S3CompressionType", "Gzip", "only in Pipe mode"),
        ("S3DataDistributionType", "Everywhere", "distribution"),
    ],
)
def test_unsupported_input_settings_are_named(field: str, value: str, message: str) -> None:
    request = _request()
    request["ProcessingInputs"][0]["S3Input"][field] = value
    with pytest.raises(ValidationError, match=message):
        ProcessingJobSpec.from_create_processing_job(request)


def test_duplicate_input_names_and_missing_entrypoint_are_refused() -> None:
    request = _request()
    request["ProcessingInputs"].append(request["ProcessingInputs"][0])
    with pytest.raises(ValidationError, match="two inputs named 'raw'"):
        ProcessingJobSpec.from_create_processing_job(request)
    with pytest.raises(ValidationError, match="ContainerEntrypoint is required"):
        ProcessingJobSpec.from_create_processing_job(_request(AppSpecification={"ImageUri": "x"}))


def test_bad_job_name_and_dataset_definition_are_refused() -> None:
    with pytest.raises(ValidationError, match="Invalid processing job name 'bad_name'"):
        ProcessingJobSpec.from_create_processing_job(_request(ProcessingJobName="bad_name"))
    with pytest.raises(ValidationError, match="DatasetDefinition"):
        ProcessingJobSpec.from_create_processing_job(
            _request(ProcessingInputs=[{"InputName": "q", "DatasetDefinition": {"x": 1}}])
        )


def test_continuous_upload_mode_is_accepted() -> None:
    request = _request()
    request["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3UploadMode"] = "Continuous"
    spec = ProcessingJobSpec.from_create_processing_job(request)
    assert spec.outputs[0].upload_mode == "Continuous"
