"""``sabio.inference.status_for``: one PayloadError class, one status mapping."""

from __future__ import annotations

import pytest

import sabio.algorithms
import sabio.inference
from sabio.exceptions import (
    ConflictError,
    ModelError,
    NotFoundError,
    PayloadError,
    SabioError,
    TimeoutError_,
    ValidationError,
)
from sabio.inference import status_for


def test_errors_payload_error_is_one_class_at_every_public_path() -> None:
    assert sabio.inference.PayloadError is PayloadError
    assert sabio.algorithms.PayloadError is PayloadError
    assert sabio.inference.ModelError is ModelError
    assert issubclass(PayloadError, ValidationError)
    assert issubclass(PayloadError, ValueError)
    assert issubclass(ModelError, SabioError)


@pytest.mark.parametrize("code", [400, 405, 406, 413, 415])
def test_errors_status_for_payload_error_uses_its_code(code: int) -> None:
    assert status_for(PayloadError("bad", code)) == code


def test_errors_status_for_builtin_payload_error_defaults_to_400() -> None:
    assert status_for(sabio.algorithms.PayloadError("no rows")) == 400


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ModelError("boom"), 500),
        (ModelError("slow", 503), 503),
        (ValidationError("bad"), 400),
        (sabio.algorithms.HyperparameterError("bad"), 400),
        (NotFoundError("gone"), 404),
        (ConflictError("busy"), 409),
        (TimeoutError_("late"), 504),
        (RuntimeError("bug"), 500),
    ],
)
def test_errors_status_for_maps_the_tree(error: BaseException, code: int) -> None:
    assert status_for(error) == code
