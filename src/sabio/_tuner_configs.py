"""Warm-start and completion-criteria settings of :mod:`sabio.tuner` (SageMaker's shapes)."""

from __future__ import annotations

import enum
from typing import Any

from sabio.exceptions import ValidationError

__all__ = ["TuningJobCompletionCriteriaConfig", "WarmStartConfig", "WarmStartTypes"]


class WarmStartTypes(enum.Enum):
    """How a warm start reuses its parents' trials."""

    IDENTICAL_DATA_AND_ALGORITHM = "IdenticalDataAndAlgorithm"
    TRANSFER_LEARNING = "TransferLearning"


class WarmStartConfig:
    """Start a tuning job from the finished trials of up to 5 parent tuning jobs.

    Args:
        warm_start_type: a :class:`WarmStartTypes` (or its value).
        parents: names of the parent tuning jobs.
    """

    def __init__(self, warm_start_type: WarmStartTypes | str, parents: Any) -> None:
        try:
            self.type = WarmStartTypes(
                warm_start_type.value
                if isinstance(warm_start_type, WarmStartTypes)
                else warm_start_type
            )
        except ValueError:
            choices = ", ".join(t.value for t in WarmStartTypes)
            raise ValidationError(
                f"warm_start_type must be one of {choices}, got {warm_start_type!r}."
            ) from None
        names = [parents] if isinstance(parents, str) else list(parents or [])
        if not 1 <= len(names) <= 5:
            raise ValidationError(
                f"WarmStartConfig needs 1 to 5 parent tuning jobs, got {len(names)}."
            )
        self.parents = set(names)
        self._ordered = names

    def to_input_req(self) -> dict[str, Any]:
        """SageMaker's ``WarmStartConfig`` request shape."""
        return {
            "WarmStartType": self.type.value,
            "ParentHyperParameterTuningJobs": [
                {"HyperParameterTuningJobName": name} for name in self._ordered
            ],
        }


class TuningJobCompletionCriteriaConfig:
    """When a tuning job may end before ``max_jobs`` trials (SageMaker's shape)."""

    def __init__(
        self,
        max_number_of_training_jobs_not_improving: int | None = None,
        complete_on_convergence: bool | None = None,
        target_objective_metric_value: float | None = None,
    ) -> None:
        self.max_not_improving = max_number_of_training_jobs_not_improving
        self.complete_on_convergence = complete_on_convergence
        self.target = target_objective_metric_value

    def to_input_req(self) -> dict[str, Any]:
        """SageMaker's ``TuningJobCompletionCriteria`` request shape."""
        request: dict[str, Any] = {}
        if self.target is not None:
            request["TargetObjectiveMetricValue"] = self.target
        if self.max_not_improving is not None:
            request["BestObjectiveNotImproving"] = {
                "MaxNumberOfTrainingJobsNotImproving": self.max_not_improving
            }
        if self.complete_on_convergence is not None:
            request["ConvergenceDetected"] = {
                "CompleteOnConvergence": "Enabled" if self.complete_on_convergence else "Disabled"
            }
        return request
