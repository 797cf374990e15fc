"""Errors raised by the built-in algorithms.

All of them are user-caused and subclass :class:`sabio.exceptions.ValidationError` (hence
``ValueError``): a training program turns them into a ``failure`` file and exit status 1.
A bad inference request is :class:`sabio.exceptions.PayloadError` (re-exported here), which a
model server answers with its ``status_code``.
"""

from __future__ import annotations

from sabio.exceptions import PayloadError, ValidationError

__all__ = ["AlgorithmError", "DataError", "HyperparameterError", "PayloadError"]


class AlgorithmError(ValidationError):
    """Base class of the user-caused errors of a built-in algorithm."""


class HyperparameterError(AlgorithmError):
    """A hyperparameter is missing, unknown, of the wrong type or out of range."""


class DataError(AlgorithmError):
    """Training, validation or test data cannot be used (missing label, empty channel ...)."""
