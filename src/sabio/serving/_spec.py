"""The endpoint spec: what an endpoint was asked to be, as the engine and its server share it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["EndpointSpec", "HttpLimits"]


class HttpLimits(BaseModel):
    """Bounds on the requests and connections of each endpoint worker (see docs/security.md).

    Every limit answers with a status code and a message rather than a hung or dropped
    connection: a longer URL gets 414, a larger request head (request line and headers) or
    more headers get 431, a request head not complete within ``header_timeout_seconds`` or a
    whole request not received within ``read_timeout_seconds`` gets 408 and the connection
    is closed, an idle kept-alive connection is closed after ``keep_alive_seconds``. At
    ``max_connections`` open connections a worker closes its longest-idle kept-alive
    connection to take a new one, and answers 503 when none is idle. The body limit is the
    endpoint's ``max_payload`` (413).

    ``allowed_hosts`` adds names to the ``Host`` headers a worker accepts (besides
    ``localhost``, ``127.0.0.1``, ``[::1]`` and the address it is bound to; any IP address
    when it is bound to all interfaces): other names get 403, which stops DNS-rebinding
    attacks from a web page. ``"*"`` accepts any name, ``"*.example.org"`` any subdomain.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_url_bytes: int = Field(default=8 * 1024, ge=256)
    max_header_bytes: int = Field(default=64 * 1024, ge=1024)
    max_headers: int = Field(default=100, ge=8)
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    read_timeout_seconds: float = Field(default=60.0, gt=0)
    keep_alive_seconds: float = Field(default=5.0, gt=0)
    max_connections: int = Field(default=1000, ge=1)
    allowed_hosts: tuple[str, ...] = ()


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
    #: Request, connection and ``Host`` header limits of each worker.
    limits: HttpLimits = HttpLimits()

    @property
    def max_payload_bytes(self) -> int:
        """``max_payload_mb`` in bytes."""
        return int(self.max_payload_mb * 1024 * 1024)
