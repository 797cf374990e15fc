"""The spec of one pipeline execution, as stored on its job record."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ARN", "ExecutionSpec", "execution_arn", "pipeline_arn"]

ARN = "arn:aws:sagemaker:local:000000000000"


def pipeline_arn(pipeline: str) -> str:
    """SageMaker's ARN of a pipeline."""
    return f"{ARN}:pipeline/{pipeline.lower()}"


def execution_arn(pipeline: str, execution_id: str) -> str:
    """SageMaker's ARN of a pipeline execution."""
    return f"{pipeline_arn(pipeline)}/execution/{execution_id}"


class ExecutionSpec(BaseModel):
    """What an execution runs: a snapshot of the definition and the parameter values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pipeline_name: str
    execution_id: str
    definition: dict[str, Any]
    parameters: dict[str, Any] = Field(default_factory=dict)
    display_name: str | None = None
    description: str | None = None
    trigger: str | None = None
    pipeline_version: int = 1
