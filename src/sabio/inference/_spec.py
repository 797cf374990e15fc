"""The model spec: what a model record holds, as endpoints and transform jobs read it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ModelSpec"]


class ModelSpec(BaseModel):
    """A model to serve: SageMaker's ``CreateModel`` primary container (image, model data,
    environment) and where its inference code comes from. Stored as the model record's
    ``spec``.

    Attributes:
        model_data_url: the model archive (``model.tar.gz``) or folder, ``s3://`` or local.
        entry_point: the inference script (in ``source_dir``, or the archive's ``code/``).
        source_dir: a ``sourcedir.tar.gz`` or folder with the inference code.
        builtin_module: the built-in algorithm whose handlers serve the model (no user code).
        training_job_name: the training job that made the model, when one did.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_name: str = ""
    image: str | None = None
    model_data_url: str | None = None
    environment: dict[str, str] = Field(default_factory=dict)
    entry_point: str | None = None
    source_dir: str | None = None
    builtin_module: str | None = None
    training_job_name: str | None = None

    @classmethod
    def from_create_model(cls, request: Mapping[str, Any]) -> ModelSpec:
        """A spec from SageMaker's ``CreateModel`` request shape (``ModelName``,
        ``PrimaryContainer`` with ``Image``, ``ModelDataUrl``, ``Environment``)."""
        from sabio.algorithms._builtins import builtin_for_image

        container = request.get("PrimaryContainer") or {}
        environment = {str(k): str(v) for k, v in (container.get("Environment") or {}).items()}
        # Script mode names its inference code as SageMaker's framework containers read it.
        entry_point = environment.pop("SAGEMAKER_PROGRAM", None) or None
        source_dir = environment.pop("SAGEMAKER_SUBMIT_DIRECTORY", None) or None
        image = container.get("Image")
        builtin = builtin_for_image(image) if image and not entry_point else None
        return cls(
            model_name=str(request.get("ModelName") or ""),
            image=image,
            model_data_url=container.get("ModelDataUrl"),
            environment=environment,
            entry_point=entry_point,
            source_dir=source_dir,
            builtin_module=builtin.program if builtin else None,
        )
