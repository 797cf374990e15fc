"""``sabio.model_metrics``: SageMaker's ModelMetrics and MetricsSource — where a registered
version's evaluation reports are.

Example:
    >>> from sabio.model_metrics import MetricsSource, ModelMetrics
    >>> metrics = ModelMetrics(model_statistics=MetricsSource(
    ...     content_type="application/json", s3_uri="s3://bucket/eval/evaluation.json"))
    >>> metrics._to_request_dict()
    {'ModelQuality': {'Statistics': {'ContentType': 'application/json', 'S3Uri': 's3://bucket/eval/evaluation.json'}}}
"""

from __future__ import annotations

from typing import Any

from sabio.exceptions import ValidationError

__all__ = ["FileSource", "MetricsSource", "ModelMetrics"]


class MetricsSource:
    """One metrics report: its content type, ``s3://`` location and optional digest.

    Raises:
        ValidationError: an empty content type or a location that is not ``s3://``.
    """

    def __init__(self, content_type: str, s3_uri: str, content_digest: str | None = None) -> None:
        if not content_type:
            raise ValidationError("MetricsSource needs a content_type, e.g. 'application/json'.")
        if not isinstance(s3_uri, str) or not s3_uri.startswith("s3://"):
            raise ValidationError(
                f"MetricsSource s3_uri must be an s3:// URI, got {s3_uri!r}. Upload the report "
                "with Session().upload_data(...) first."
            )
        self.content_type = content_type
        self.s3_uri = s3_uri
        self.content_digest = content_digest

    def _to_request_dict(self) -> dict[str, Any]:
        request: dict[str, Any] = {"ContentType": self.content_type, "S3Uri": self.s3_uri}
        if self.content_digest is not None:
            request["ContentDigest"] = self.content_digest
        return request


class FileSource(MetricsSource):
    """SageMaker's ``FileSource`` (a drift-check baseline file): same fields as a metrics
    source."""


class ModelMetrics:
    """The evaluation reports of a model version (SageMaker's signature).

    Args:
        model_statistics / model_constraints: model quality (``ModelQuality``).
        model_data_statistics / model_data_constraints: data quality (``ModelDataQuality``).
        bias, bias_pre_training, bias_post_training: bias reports (``Bias``).
        explainability: the explainability report (``Explainability``).
    """

    def __init__(
        self,
        model_statistics: MetricsSource | None = None,
        model_constraints: MetricsSource | None = None,
        model_data_statistics: MetricsSource | None = None,
        model_data_constraints: MetricsSource | None = None,
        bias: MetricsSource | None = None,
        explainability: MetricsSource | None = None,
        bias_pre_training: MetricsSource | None = None,
        bias_post_training: MetricsSource | None = None,
    ) -> None:
        self.model_statistics = model_statistics
        self.model_constraints = model_constraints
        self.model_data_statistics = model_data_statistics
        self.model_data_constraints = model_data_constraints
        self.bias = bias
        self.explainability = explainability
        self.bias_pre_training = bias_pre_training
        self.bias_post_training = bias_post_training

    def _to_request_dict(self) -> dict[str, Any]:
        """The ``ModelMetrics`` of a CreateModelPackage request (only the reports given)."""
        layout = {
            ("ModelQuality", "Statistics"): self.model_statistics,
            ("ModelQuality", "Constraints"): self.model_constraints,
            ("ModelDataQuality", "Statistics"): self.model_data_statistics,
            ("ModelDataQuality", "Constraints"): self.model_data_constraints,
            ("Bias", "Report"): self.bias,
            ("Bias", "PreTrainingReport"): self.bias_pre_training,
            ("Bias", "PostTrainingReport"): self.bias_post_training,
            ("Explainability", "Report"): self.explainability,
        }
        request: dict[str, dict[str, Any]] = {}
        for (section, key), source in layout.items():
            if source is not None:
                request.setdefault(section, {})[key] = source._to_request_dict()
        return request
