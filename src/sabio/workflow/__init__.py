"""``sabio.workflow``: SageMaker Pipelines at SageMaker's module paths
(``sabio.workflow.pipeline.Pipeline``, ``.steps``, ``.parameters``, ``.conditions`` ...),
run on this machine by the ``sabio.pipelines`` engine.
"""

from sabio.workflow.entities import PipelineVariable

__all__ = ["PipelineVariable", "is_pipeline_variable"]


def is_pipeline_variable(value: object) -> bool:
    """Whether ``value`` is resolved only when the pipeline runs."""
    return isinstance(value, PipelineVariable)
