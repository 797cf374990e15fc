"""The endpoint spec: what an endpoint was asked to be, as the engine and its server share it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["EndpointSpec"]


class EndpointSpec(BaseModel):
    """An endpoint's configuration (SageMaker's endpoint config with one production variant,
    plus where sabio's server listens). Stored as the endpoint record's ``spec``.

    ``data_capture_config`` is SageMaker's ``DataCaptureConfig`` request (its own keys).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    endpoint_name: str
    model_name: str
    variant_name: str = "AllTraffic"
    instance_count: int = Field(1, ge=1)
    instance_type: str = "local"
    data_capture_config: dict[str, Any] | None = None
    #: Larger request bodies get 413.
    max_payload_mb: float = Field(6.0, gt=0)
    #: Per-request timeout (504 after it).
    timeout_seconds: float = Field(60.0, gt=0)
    host: str = "127.0.0.1"
    #: 0: a free port, recorded in the endpoint's ``Url``.
    port: int = Field(0, ge=0, le=65535)

    @property
    def max_payload_bytes(self) -> int:
        """``max_payload_mb`` in bytes."""
        return int(self.max_payload_mb * 1024 * 1024)
