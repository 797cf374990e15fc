"""``sabio.model_monitor.DataCaptureConfig``: SageMaker's signature and request shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from sabio.exceptions import ValidationError
from sabio.model_monitor import CaptureOptions, DataCaptureConfig, capture_request


def test_data_capture_config_request_dict_matches_sagemaker() -> None:
    config = DataCaptureConfig(
        enable_capture=True,
        sampling_percentage=50,
        destination_s3_uri="s3://bucket/capture",
        kms_key_id="key",
        capture_options=[CaptureOptions.REQUEST],
        json_content_types=["application/jsonlines"],
    )
    assert config._to_request_dict() == {
        "EnableCapture": True,
        "InitialSamplingPercentage": 50,
        "DestinationS3Uri": "s3://bucket/capture",
        "CaptureOptions": [{"CaptureMode": "Input"}],
        "CaptureContentTypeHeader": {
            "CsvContentTypes": ["text/csv"],
            "JsonContentTypes": ["application/jsonlines"],
        },
        "KmsKeyId": "key",
    }


def test_data_capture_config_default_destination(sabio_home: Path) -> None:
    config = DataCaptureConfig(enable_capture=True)
    assert config.destination_s3_uri == "s3://sabio-default/model-monitor/data-capture"
    assert config.sampling_percentage == 20
    assert config._to_request_dict()["CaptureOptions"] == [
        {"CaptureMode": "Input"},
        {"CaptureMode": "Output"},
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sampling_percentage": 101}, "from 0 to 100"),
        ({"capture_options": ["REQUESTS"]}, "Did you mean 'REQUEST'"),
        ({"destination_s3_uri": "bucket/capture"}, "must be an s3:// URI"),
    ],
)
def test_data_capture_config_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DataCaptureConfig(**{"enable_capture": True, "destination_s3_uri": "s3://b/c", **kwargs})  # type: ignore[arg-type]


def test_capture_request_accepts_config_dict_or_none(sabio_home: Path) -> None:
    config = DataCaptureConfig(True, destination_s3_uri="s3://bucket/capture")
    assert capture_request(config) == config._to_request_dict()
    assert capture_request({"EnableCapture": False}) == {"EnableCapture": False}
    assert capture_request(None) is None


def test_capture_request_refuses_other_types() -> None:
    expected = r"must be a sabio\.model_monitor\.DataCaptureConfig, got int"
    with pytest.raises(TypeError, match=expected):
        capture_request(3)  # type: ignore[arg-type]
