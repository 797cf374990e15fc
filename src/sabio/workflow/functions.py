"""``sabio.workflow.functions``: ``Join`` and ``JsonGet``.

Example:
    >>> from sabio.workflow.functions import Join
    >>> Join(on="/", values=["s3://bucket", "out"]).expr
    {'Std:Join': {'On': '/', 'Values': ['s3://bucket', 'out']}}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sabio.exceptions import ValidationError
from sabio.workflow.entities import PipelineVariable, RequestType, serialize

if TYPE_CHECKING:
    from sabio.workflow.properties import PropertyFile
    from sabio.workflow.steps import Step

__all__ = ["Join", "JsonGet"]


class Join(PipelineVariable):
    """Text joined from values and pipeline variables with ``on``."""

    def __init__(self, on: str = "", values: list[Any] | None = None) -> None:
        self.on = on
        self.values = list(values or [])

    @property
    def expr(self) -> RequestType:
        return {"Std:Join": {"On": self.on, "Values": serialize(self.values)}}


class JsonGet(PipelineVariable):
    """A value read from a JSON file when the pipeline runs: a processing step's property
    file (``step_name`` + ``property_file``) or an object (``s3_uri``); ``json_path`` is a
    dotted path with ``[i]`` indexes (``regression_metrics.r2.value``)."""

    def __init__(
        self,
        step_name: str | None = None,
        property_file: PropertyFile | str | None = None,
        json_path: str = "",
        s3_uri: Any = None,
        step: Step | None = None,
    ) -> None:
        if step is not None:
            step_name = step.name
        if s3_uri is None and (step_name is None or property_file is None):
            raise ValidationError(
                "JsonGet needs step_name= and property_file= (a ProcessingStep's PropertyFile) "
                "or s3_uri= of a JSON object."
            )
        self.step_name = step_name
        self.property_file = property_file
        self.json_path = json_path
        self.s3_uri = s3_uri

    @property
    def expr(self) -> RequestType:
        if self.s3_uri is not None:
            return {"Std:JsonGet": {"S3Uri": serialize(self.s3_uri), "Path": self.json_path}}
        name = getattr(self.property_file, "name", self.property_file)
        return {
            "Std:JsonGet": {
                "PropertyFile": {"Get": f"Steps.{self.step_name}.PropertyFiles.{name}"},
                "Path": self.json_path,
            }
        }
