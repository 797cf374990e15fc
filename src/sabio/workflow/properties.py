"""``sabio.workflow.properties``: references to a step's properties, and property files.

A step's ``properties`` stands for its Describe* response: any attribute path
(``step.properties.ModelArtifacts.S3ModelArtifacts``), list index (``[0]``) or named item
(``ProcessingOutputConfig.Outputs["train"]``) is a reference resolved when the step has
run. Which top-level fields a step type has is checked when the pipeline is upserted.
"""

from __future__ import annotations

from typing import Any

from sabio.workflow.entities import Entity, PipelineVariable, RequestType

__all__ = ["Properties", "PropertiesList", "PropertiesMap", "PropertyFile"]


class Properties(PipelineVariable):
    """A step property (or a part of one) by path."""

    def __init__(self, step_name: str, path: str = "", shape_name: str | None = None) -> None:
        self._step_name = step_name
        self._path = path
        self.shape_name = shape_name

    @property
    def step_name(self) -> str:
        """The step the property belongs to."""
        return self._step_name

    @property
    def expr(self) -> RequestType:
        suffix = f".{self._path}" if self._path else ""
        return {"Get": f"Steps.{self._step_name}{suffix}"}

    def __getattr__(self, name: str) -> Properties:
        if name.startswith("_") or name == "shape_name":
            raise AttributeError(name)
        path = f"{self._path}.{name}" if self._path else name
        return Properties(self._step_name, path)

    def __getitem__(self, key: int | str) -> Properties:
        index = f"[{key}]" if isinstance(key, int) else f"['{key}']"
        return Properties(self._step_name, f"{self._path}{index}")

    def __repr__(self) -> str:
        return f"Properties({self.expr['Get']!r})"


PropertiesList = Properties
PropertiesMap = Properties


class PropertyFile(Entity):
    """A JSON file a processing step writes into one of its outputs, read with ``JsonGet``.

    Args:
        name: the property file's name (``EvaluationReport``).
        output_name: the processing output that holds it.
        path: the file's path inside that output (``evaluation.json``).
    """

    def __init__(self, name: str, output_name: str, path: str) -> None:
        self.name = name
        self.output_name = output_name
        self.path = path

    def to_request(self) -> dict[str, Any]:
        return {
            "PropertyFileName": self.name,
            "OutputName": self.output_name,
            "FilePath": self.path,
        }
