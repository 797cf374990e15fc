"""``image_uris.retrieve`` for frameworks: "this Python environment", its version checked."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import warnings

import pytest

from sabio import image_uris
from sabio._frameworks import version_matches
from sabio.exceptions import FrameworkNotInstalledError, FrameworkVersionWarning, ValidationError


def _installed(distribution: str) -> str:
    return importlib.metadata.version(distribution).split("+", 1)[0]


def test_retrieve_framework_with_the_installed_version_does_not_warn() -> None:
    installed = _installed("scikit-learn")
    release = ".".join(installed.split(".")[:2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        uri = image_uris.retrieve("sklearn", "us-east-1", version=f"{release}-1")
        assert image_uris.retrieve("sklearn", region="us-east-1") == f"sabio/sklearn:{installed}"
    assert uri == f"sabio/sklearn:{release}-1"
    assert image_uris.builtin_module(uri) is None


def test_retrieve_framework_with_another_version_warns() -> None:
    with pytest.warns(FrameworkVersionWarning, match="sklearn 0.23-1 was asked for"):
        uri = image_uris.retrieve("sklearn", "us-east-1", version="0.23-1", py_version="py3")
    assert uri == "sabio/sklearn:0.23-1"


def test_retrieve_pytorch_and_missing_frameworks() -> None:
    assert image_uris.retrieve("pytorch", "us-east-1").startswith("sabio/pytorch:")
    if importlib.util.find_spec("tensorflow") is None:
        with pytest.raises(FrameworkNotInstalledError, match="pip install tensorflow"):
            image_uris.retrieve("tensorflow", "us-east-1", version="2.13")
    unknown = r"No built-in algorithm 'sklern'.*Did you mean 'sklearn'"
    with pytest.raises(ValidationError, match=unknown):
        image_uris.retrieve("sklern", "us-east-1")


def test_retrieve_xgboost_is_still_the_builtin() -> None:
    assert image_uris.builtin_module(image_uris.retrieve("xgboost", "us-east-1", "1.7-1"))


@pytest.mark.parametrize(
    ("requested", "installed", "expected"),
    [
        ("1.2-1", "1.2.2", True),
        ("2.1", "2.1.0", True),
        ("2.1", "2.13.0", False),
        ("1", "1.9", True),
    ],
)
def test_version_matches(requested: str, installed: str, expected: bool) -> None:
    assert version_matches(requested, installed) is expected
