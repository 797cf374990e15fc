"""The one place that maps sabio's errors to HTTP status codes (model servers, transform)."""

from __future__ import annotations

from sabio.exceptions import (
    ConflictError,
    ModelError,
    NotFoundError,
    PayloadError,
    TimeoutError_,
    ValidationError,
)

__all__ = ["ModelError", "PayloadError", "status_for"]


def status_for(exc: BaseException) -> int:
    """The HTTP status code for an error (the one mapping the serving layer uses).

    ``PayloadError`` and ``ModelError`` carry their own code; other ``ValidationError``
    → 400, ``NotFoundError`` → 404, ``ConflictError`` → 409, ``TimeoutError_`` → 504,
    anything else → 500.
    """
    if isinstance(exc, PayloadError | ModelError):
        return exc.status_code
    if isinstance(exc, ValidationError):
        return 400
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, TimeoutError_):
        return 504
    return 500
