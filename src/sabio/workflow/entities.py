"""``sabio.workflow.entities``: what a pipeline definition is built of.

A :class:`PipelineVariable` (a parameter, an execution variable, a step property, ``Join``,
``JsonGet``) stands for a value known only when the execution runs; in the definition it is
its ``expr`` (``{"Get": "Parameters.X"}`` ...).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Entity", "Expression", "PipelineVariable", "RequestType", "serialize"]

RequestType = dict[str, Any]


class Entity:
    """Something with a request form in the definition."""

    def to_request(self) -> Any:
        """The definition JSON of this entity."""
        raise NotImplementedError


class PipelineVariable(Entity):
    """A value resolved when the pipeline runs (SageMaker's ``PipelineVariable``)."""

    @property
    def expr(self) -> RequestType:
        """The expression written into the definition."""
        raise NotImplementedError

    def to_request(self) -> Any:
        return self.expr

    def to_string(self) -> PipelineVariable:
        """This variable as a string (``Std:Join`` of it alone), for string-only fields."""
        from sabio.workflow.functions import Join

        return Join(on="", values=[self])

    def __str__(self) -> str:
        raise TypeError(
            f"{type(self).__name__} is a pipeline variable: its value is known only when the "
            "pipeline runs, so it cannot become a Python string now. Use it as a step "
            "argument, or Join(on='', values=[...]) to build text from it."
        )

    def __hash__(self) -> int:
        return id(self)


Expression = PipelineVariable


def serialize(value: Any) -> Any:
    """A request with every pipeline variable (and entity) replaced by its definition form."""
    if isinstance(value, Entity):
        return serialize(value.to_request())
    if isinstance(value, dict):
        return {str(k): serialize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [serialize(v) for v in value]
    return value
