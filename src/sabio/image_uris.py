"""``sabio.image_uris.retrieve``: identifiers of the built-in algorithms.

sabio runs no containers. An "image URI" names a built-in program; SageMaker's own ECR
URIs for the same algorithms (``.../sagemaker-xgboost:1.7-1``) are understood too, so
notebooks with hard-coded URIs keep working.

Example:
    >>> from sabio import image_uris
    >>> image_uris.retrieve("xgboost", "us-east-1", "1.7-1")
    'sabio/xgboost:1.7-1'
"""

from __future__ import annotations

from typing import Any

from sabio.algorithms._builtins import BUILTINS as _ALGORITHMS
from sabio.algorithms._builtins import builtin_for_image, builtin_named
from sabio.exceptions import ValidationError, did_you_mean

__all__ = ["BUILTINS", "builtin_module", "retrieve"]

#: image name -> module run with ``python -m`` (a view of :data:`sabio.algorithms.BUILTINS`)
BUILTINS: dict[str, str] = {b.image_name: b.program for b in _ALGORITHMS}


def retrieve(
    framework: str,
    region: str | None = None,
    version: str | None = None,
    py_version: str | None = None,
    instance_type: str | None = None,
    **_ignored: Any,
) -> str:
    """Return the image identifier of a built-in algorithm.

    Raises:
        ValidationError: the framework is not a sabio built-in.
    """
    builtin = builtin_named(framework)
    if builtin is None:
        names = [b.image_name for b in _ALGORITHMS]
        raise ValidationError(
            f"No built-in algorithm {framework!r}.{did_you_mean(framework, names)} "
            f"sabio ships: {', '.join(names)}. For your own script use an Estimator with "
            "entry_point=."
        )
    return builtin.image_uri(version)


def builtin_module(image_uri: str) -> str | None:
    """The module of the built-in an image URI names, or None for other images."""
    builtin = builtin_for_image(image_uri)
    return builtin.program if builtin else None
