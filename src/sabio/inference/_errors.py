"""Errors of the inference path and the one place that maps errors to HTTP status codes."""

from __future__ import annotations

from sabio.exceptions import (
    ConflictError,
    NotFoundError,
    SabioError,
    TimeoutError_,
    ValidationError,
)

__all__ = ["ModelError", "PayloadError", "status_for"]


class PayloadError(ValidationError):
    """A request cannot be turned into model input, or the answer into the asked format.

    Attributes:
        status_code: the HTTP status a model server answers with: 400 (malformed body,
            wrong number of features), 406 (unsupported ``Accept``), 413 (body too large)
            or 415 (unsupported ``Content-Type``).
    """

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


class ModelError(SabioError, RuntimeError):
    """The model server failed on a request (an error in the model or handler code)."""

    def __init__(self, message: str, status_code: int = 500) -> None:
        super().__init__(message)
        self.status_code = status_code


def status_for(exc: BaseException) -> int:
    """The HTTP status code for an error (the one mapping the serving layer uses).

    ``PayloadError`` and ``ModelError`` carry their own code; other ``ValidationError``
    → 400, ``NotFoundError`` → 404, ``ConflictError`` → 409, ``TimeoutError_`` → 504,
    anything else → 500.
    """
    code = getattr(exc, "status_code", None)
    if isinstance(exc, PayloadError | ModelError) and isinstance(code, int):
        return code
    if isinstance(exc, ValidationError):
        return 400
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, TimeoutError_):
        return 504
    return 500
