"""``sabio.inputs.TrainingInput``: one channel of a training job (SageMaker's shape)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sabio.exceptions import ValidationError

if TYPE_CHECKING:
    from sabio.workflow.entities import PipelineVariable

__all__ = ["TrainingInput"]

_DISTRIBUTIONS = ("FullyReplicated", "ShardedByS3Key")


class TrainingInput:
    """Where a channel's data is and how it is distributed to the hosts.

    Example:
        >>> from sabio.inputs import TrainingInput
        >>> TrainingInput("s3://sabio-default/insurance/train", content_type="text/csv").config[
        ...     "ContentType"]
        'text/csv'
    """

    def __init__(
        self,
        s3_data: str | PipelineVariable,
        distribution: str | None = None,
        compression: str | None = None,
        content_type: str | None = None,
        record_wrapping: str | None = None,
        s3_data_type: str = "S3Prefix",
        input_mode: str | None = None,
        **_ignored: Any,
    ) -> None:
        from sabio.workflow.entities import PipelineVariable

        # A pipeline variable (a parameter, a step's output) is resolved when the step runs.
        if not isinstance(s3_data, PipelineVariable) and (
            not isinstance(s3_data, str) or not s3_data
        ):
            raise ValidationError(
                f"TrainingInput needs a URI or path string, got {s3_data!r}. Pass the URI "
                "returned by Session.upload_data(), a file:// URI or a local path."
            )
        distribution = distribution or "FullyReplicated"
        if distribution not in _DISTRIBUTIONS:
            raise ValidationError(
                f"Unknown distribution {distribution!r}: expected one of "
                f"{', '.join(_DISTRIBUTIONS)}."
            )
        if input_mode not in (None, "File"):
            raise ValidationError(
                f"input_mode {input_mode!r} is not supported locally; sabio copies data "
                "into the job folder (File mode). Leave input_mode out."
            )
        self.s3_data = s3_data
        self.distribution = distribution
        self.content_type = content_type
        self.config: dict[str, Any] = {
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": s3_data_type,
                    "S3Uri": s3_data,
                    "S3DataDistributionType": distribution,
                }
            }
        }
        if content_type:
            self.config["ContentType"] = content_type

    def __repr__(self) -> str:
        return f"TrainingInput({self.s3_data!r}, distribution={self.distribution!r})"
