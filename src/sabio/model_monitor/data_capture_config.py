"""``sabio.model_monitor``: SageMaker's data capture configuration for endpoints.

Data capture is off unless an endpoint is deployed with a :class:`DataCaptureConfig`
(medical data stays out of capture files unless asked for).

Example:
    >>> from sabio.model_monitor import DataCaptureConfig
    >>> config = DataCaptureConfig(enable_capture=True, sampling_percentage=50,
    ...                            destination_s3_uri="s3://bucket/capture")
    >>> config._to_request_dict()["CaptureOptions"]
    [{'CaptureMode': 'Input'}, {'CaptureMode': 'Output'}]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sabio.exceptions import ValidationError, did_you_mean

if TYPE_CHECKING:
    from sabio.session import Session

__all__ = ["CaptureOptions", "DataCaptureConfig", "capture_request"]


class CaptureOptions:
    """The capture option names (``DataCaptureConfig(capture_options=[...])``)."""

    REQUEST = "REQUEST"
    RESPONSE = "RESPONSE"


class DataCaptureConfig:
    """What an endpoint captures of its traffic, and where (SageMaker's signature).

    Args:
        enable_capture: capture at all.
        sampling_percentage: share of requests captured, 0 to 100.
        destination_s3_uri: folder for capture files; default
            ``s3://<default bucket>/model-monitor/data-capture`` like SageMaker.
        kms_key_id: accepted for compatibility; sabio does not encrypt capture files.
        capture_options: ``["REQUEST", "RESPONSE"]`` (default) or either one.
        csv_content_types: content types captured as CSV text (default ``["text/csv"]``).
        json_content_types: content types captured as JSON text (default
            ``["application/json"]``); others are stored base64-encoded.
        sagemaker_session: the session whose default bucket is used.

    Raises:
        ValidationError: sampling percentage outside 0-100, or an unknown capture option.
    """

    API_MAPPING: ClassVar[dict[str, str]] = {"REQUEST": "Input", "RESPONSE": "Output"}

    def __init__(
        self,
        enable_capture: bool = True,
        sampling_percentage: int | float = 20,
        destination_s3_uri: str | None = None,
        kms_key_id: str | None = None,
        capture_options: list[str] | None = None,
        csv_content_types: list[str] | None = None,
        json_content_types: list[str] | None = None,
        sagemaker_session: Session | None = None,
    ) -> None:
        if isinstance(sampling_percentage, bool) or not 0 <= sampling_percentage <= 100:
            raise ValidationError(
                f"sampling_percentage must be a number from 0 to 100, got {sampling_percentage!r}."
            )
        options = list(capture_options or ["REQUEST", "RESPONSE"])
        for option in options:
            if str(option).upper() not in self.API_MAPPING:
                raise ValidationError(
                    f"Unknown capture option {option!r}."
                    f"{did_you_mean(str(option).upper(), self.API_MAPPING)} Expected 'REQUEST' "
                    "and/or 'RESPONSE'."
                )
        if destination_s3_uri is not None and not destination_s3_uri.startswith("s3://"):
            raise ValidationError(
                f"destination_s3_uri must be an s3:// URI, got {destination_s3_uri!r}. "
                "Example: 's3://my-bucket/datacapture'."
            )
        self.enable_capture = enable_capture
        self.sampling_percentage = sampling_percentage
        self.kms_key_id = kms_key_id
        self.capture_options = options
        self.csv_content_types = list(csv_content_types or ["text/csv"])
        self.json_content_types = list(json_content_types or ["application/json"])
        self.sagemaker_session = sagemaker_session
        if destination_s3_uri is None:
            from sabio.session import Session

            session = sagemaker_session or Session()
            destination_s3_uri = f"s3://{session.default_bucket()}/model-monitor/data-capture"
        self.destination_s3_uri = destination_s3_uri

    def _to_request_dict(self) -> dict[str, Any]:
        """The ``DataCaptureConfig`` of a CreateEndpointConfig request."""
        request: dict[str, Any] = {
            "EnableCapture": self.enable_capture,
            "InitialSamplingPercentage": self.sampling_percentage,
            "DestinationS3Uri": self.destination_s3_uri,
            "CaptureOptions": [
                {"CaptureMode": self.API_MAPPING[option.upper()]} for option in self.capture_options
            ],
            "CaptureContentTypeHeader": {
                "CsvContentTypes": self.csv_content_types,
                "JsonContentTypes": self.json_content_types,
            },
        }
        if self.kms_key_id is not None:
            request["KmsKeyId"] = self.kms_key_id
        return request

    def __repr__(self) -> str:
        return (
            f"DataCaptureConfig(enable_capture={self.enable_capture}, "
            f"sampling_percentage={self.sampling_percentage}, "
            f"destination_s3_uri={self.destination_s3_uri!r})"
        )


def capture_request(config: DataCaptureConfig | dict[str, Any] | None) -> dict[str, Any] | None:
    """The ``DataCaptureConfig`` request dict of ``deploy(data_capture_config=...)``.

    Raises:
        TypeError: ``config`` is neither a :class:`DataCaptureConfig` nor a request dict.
    """
    if config is None or isinstance(config, dict):
        return config
    if not isinstance(config, DataCaptureConfig):
        raise TypeError(
            "data_capture_config must be a sabio.model_monitor.DataCaptureConfig, got "
            f"{type(config).__name__}."
        )
    return config._to_request_dict()
