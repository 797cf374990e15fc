"""The one exception tree of sabio.

Every error sabio raises on purpose derives from :class:`SabioError`. Leaves also
subclass the fitting built-in exception so that ordinary ``except`` clauses keep
working::

    SabioError(Exception)
    ├── ConfigError(SabioError, ValueError)        bad settings or config file
    ├── ValidationError(SabioError, ValueError)    bad argument or spec from the user
    │   ├── InvalidKeyError                        path traversal / absolute store key
    │   ├── UnknownInstanceTypeError               instance type not in the table
    │   └── PayloadError                           a bad inference request (its 4xx status)
    ├── NotFoundError(SabioError, LookupError)     job, object, endpoint … that does not exist
    ├── ConflictError(SabioError)                  name already used, illegal state change
    ├── StorageError(SabioError, OSError)          the store could not be read or written
    ├── CatalogError(SabioError)                   the catalog database failed
    ├── CapacityError(SabioError, RuntimeError)    no machine can hold a job's resources
    ├── FrameworkNotInstalledError(SabioError, ImportError)
    ├── JobFailedError(SabioError, RuntimeError)   a job ended Failed/Stopped while waited on
    ├── ModelError(SabioError, RuntimeError)       a model or its handler code failed (5xx)
    └── TimeoutError_(SabioError, TimeoutError)    waiting took longer than allowed

Warnings (not errors): :class:`FrameworkVersionWarning` (a ``UserWarning``), when a
requested framework version differs from the installed one.

The HTTP layer maps these leaves to status codes in one place
(:func:`sabio.inference.status_for`). ``PayloadError`` is also importable as
``sabio.inference.PayloadError`` and ``sabio.algorithms.PayloadError``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "CapacityError",
    "CatalogError",
    "ConfigError",
    "ConflictError",
    "FrameworkNotInstalledError",
    "FrameworkVersionWarning",
    "InvalidKeyError",
    "JobFailedError",
    "ModelError",
    "NotFoundError",
    "PayloadError",
    "SabioError",
    "StorageError",
    "TimeoutError_",
    "UnknownInstanceTypeError",
    "ValidationError",
    "did_you_mean",
]


class SabioError(Exception):
    """Base class of every error sabio raises on purpose."""


class ConfigError(SabioError, ValueError):
    """A setting, environment variable or config file value is invalid."""


class ValidationError(SabioError, ValueError):
    """An argument or spec given by the user is invalid."""


class InvalidKeyError(ValidationError):
    """A store key is absolute or escapes its prefix (``..``)."""


class UnknownInstanceTypeError(ValidationError):
    """An instance type is not in sabio's instance table."""


class PayloadError(ValidationError):
    """An inference request cannot be turned into model input, or the answer into the asked
    format (raised by the built-ins' handlers, the default handlers and the model server).

    Attributes:
        status_code: the HTTP status a model server answers with: 400 (malformed body,
            wrong number of features), 405 (method not allowed), 406 (unsupported
            ``Accept``), 413 (body too large) or 415 (unsupported ``Content-Type``).
    """

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


class NotFoundError(SabioError, LookupError):
    """A named thing (job, object, endpoint …) does not exist."""


class ConflictError(SabioError):
    """A name is already taken, or a state change is not allowed."""


class StorageError(SabioError, OSError):
    """The artifact/data store could not be read or written."""


class CatalogError(SabioError):
    """The catalog database failed."""


class CapacityError(SabioError, RuntimeError):
    """No machine of the backend can hold a job's resources (SageMaker's
    ``ResourceLimitExceeded``), or they stayed busy too long."""


class FrameworkNotInstalledError(SabioError, ImportError):
    """A framework estimator was used whose framework is not importable."""


class FrameworkVersionWarning(UserWarning):
    """A SageMaker framework version was asked for that differs from the installed one."""


class JobFailedError(SabioError, RuntimeError):
    """A job that was waited on ended ``Failed`` or ``Stopped``."""


class ModelError(SabioError, RuntimeError):
    """A model server failed on a request (an error in the model or its handler code).

    Attributes:
        status_code: the HTTP status the server answered with (5xx).
    """

    def __init__(self, message: str, status_code: int = 500) -> None:
        super().__init__(message)
        self.status_code = status_code


class TimeoutError_(SabioError, TimeoutError):  # noqa: N801 - avoid shadowing the builtin
    """Waiting for something took longer than allowed."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest choice, or ``""``."""
    matches = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{matches[0]}'?" if matches else ""
