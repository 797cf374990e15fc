"""``sabio.workflow.pipeline_definition_config``: options of how a definition is written."""

from __future__ import annotations

__all__ = ["PipelineDefinitionConfig"]


class PipelineDefinitionConfig:
    """``use_custom_job_prefix``: SageMaker's switch to keep the SDK's job name prefixes;
    sabio always names step jobs ``pipelines-<execution>-<step>-<time>`` and records it."""

    def __init__(self, use_custom_job_prefix: bool = False) -> None:
        self.use_custom_job_prefix = use_custom_job_prefix
