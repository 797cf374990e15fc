"""``sabio.workflow.retry``: retry policies of pipeline steps (SageMaker's shapes).

A failed step is attempted again when one of its policies names the failure's type:
``Step.SERVICE_FAULT`` / ``Step.THROTTLING`` (any step) or ``SageMaker.JOB_INTERNAL_ERROR``,
``SageMaker.CAPACITY_ERROR``, ``SageMaker.RESOURCE_LIMIT`` (job steps). sabio classifies a
job's internal errors (a dead supervisor, a crash outside the user's code) as
``JOB_INTERNAL_ERROR`` and a service fault; an error of the user's code is retried by no
policy, as in SageMaker.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sabio.exceptions import ValidationError
from sabio.workflow.entities import Entity

__all__ = [
    "RetryPolicy",
    "SageMakerJobExceptionTypeEnum",
    "SageMakerJobStepRetryPolicy",
    "StepExceptionTypeEnum",
    "StepRetryPolicy",
]


class StepExceptionTypeEnum(Enum):
    """Failure types any step may be retried on."""

    SERVICE_FAULT = "Step.SERVICE_FAULT"
    THROTTLING = "Step.THROTTLING"


class SageMakerJobExceptionTypeEnum(Enum):
    """Failure types a job step may be retried on."""

    INTERNAL_ERROR = "SageMaker.JOB_INTERNAL_ERROR"
    CAPACITY_ERROR = "SageMaker.CAPACITY_ERROR"
    RESOURCE_LIMIT = "SageMaker.RESOURCE_LIMIT"


class RetryPolicy(Entity):
    """Retry timing: wait ``interval_seconds * backoff_rate ** (attempt - 1)`` between
    attempts, at most ``max_attempts`` retries or until ``expire_after_mins``."""

    def __init__(
        self,
        backoff_rate: float = 2.0,
        interval_seconds: int = 1,
        max_attempts: int | None = None,
        expire_after_mins: int | None = None,
    ) -> None:
        if max_attempts is None and expire_after_mins is None:
            raise ValidationError(
                "A retry policy needs max_attempts= (1-20) or expire_after_mins= (SageMaker's "
                "rule): without either it would retry forever."
            )
        if max_attempts is not None and not 1 <= max_attempts <= 20:
            raise ValidationError(f"max_attempts must be from 1 to 20, got {max_attempts}.")
        if backoff_rate < 0 or interval_seconds < 0:
            raise ValidationError("backoff_rate and interval_seconds must not be negative.")
        self.backoff_rate = backoff_rate
        self.interval_seconds = interval_seconds
        self.max_attempts = max_attempts
        self.expire_after_mins = expire_after_mins

    def _timing(self) -> dict[str, Any]:
        request: dict[str, Any] = {
            "BackoffRate": self.backoff_rate,
            "IntervalSeconds": self.interval_seconds,
        }
        if self.max_attempts is not None:
            request["MaxAttempts"] = self.max_attempts
        if self.expire_after_mins is not None:
            request["ExpireAfterMin"] = self.expire_after_mins
        return request


class StepRetryPolicy(RetryPolicy):
    """Retry a step on ``exception_types`` (:class:`StepExceptionTypeEnum`)."""

    def __init__(self, exception_types: list[StepExceptionTypeEnum], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for item in exception_types:
            if not isinstance(item, StepExceptionTypeEnum):
                raise ValidationError(
                    f"StepRetryPolicy takes StepExceptionTypeEnum values, got {item!r}."
                )
        self.exception_types = list(exception_types)

    def to_request(self) -> dict[str, Any]:
        return {"ExceptionType": [e.value for e in self.exception_types], **self._timing()}


class SageMakerJobStepRetryPolicy(RetryPolicy):
    """Retry a job step on ``exception_types`` / ``failure_reason_types``
    (:class:`SageMakerJobExceptionTypeEnum`)."""

    def __init__(
        self,
        exception_types: list[SageMakerJobExceptionTypeEnum] | None = None,
        failure_reason_types: list[SageMakerJobExceptionTypeEnum] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        types = list(exception_types or []) + list(failure_reason_types or [])
        if not types:
            raise ValidationError(
                "SageMakerJobStepRetryPolicy needs exception_types=[SageMakerJobExceptionType"
                "Enum.INTERNAL_ERROR, ...]."
            )
        self.exception_types = types

    def to_request(self) -> dict[str, Any]:
        return {"ExceptionType": [e.value for e in self.exception_types], **self._timing()}
