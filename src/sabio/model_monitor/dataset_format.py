"""``sabio.model_monitor.dataset_format``: SageMaker's DatasetFormat (the baseline
dataset's format)."""

from __future__ import annotations

from typing import Any

__all__ = ["DatasetFormat"]


class DatasetFormat:
    """Builds the ``dataset_format`` of ``suggest_baseline`` (SageMaker's static methods)."""

    @staticmethod
    def csv(header: bool = True, output_columns_position: str = "START") -> dict[str, Any]:
        """A CSV dataset; ``header``: its first line names the columns."""
        return {"csv": {"header": header, "output_columns_position": output_columns_position}}

    @staticmethod
    def json(lines: bool = True) -> dict[str, Any]:
        """A JSON (Lines) dataset (sabio baselines CSV only: refused by suggest_baseline)."""
        return {"json": {"lines": lines}}

    @staticmethod
    def sagemaker_capture_json() -> dict[str, Any]:
        """SageMaker's capture format (refused by suggest_baseline: baseline on CSV)."""
        return {"sagemakerCaptureJson": {}}
