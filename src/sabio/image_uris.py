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

from sabio.exceptions import ValidationError, did_you_mean

__all__ = ["BUILTINS", "builtin_module", "retrieve"]

#: framework name -> module run with ``python -m``
BUILTINS: dict[str, str] = {
    "xgboost": "sabio.algorithms.xgboost",
    "random-forest": "sabio.algorithms.random_forest",
    "linear-learner": "sabio.algorithms.linear_learner",
    "mlp": "sabio.algorithms.mlp",
    "text-classifier": "sabio.algorithms.text_classifier",
}
_ALIASES = {"sagemaker-xgboost": "xgboost", "randomforest": "random-forest"}


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
    name = _ALIASES.get(framework, framework)
    if name not in BUILTINS:
        raise ValidationError(
            f"No built-in algorithm {framework!r}.{did_you_mean(framework, BUILTINS)} "
            f"sabio ships: {', '.join(BUILTINS)}. For your own script use an Estimator with "
            "entry_point=."
        )
    return f"sabio/{name}:{version or 'latest'}"


def builtin_module(image_uri: str) -> str | None:
    """The module of the built-in an image URI names, or None for other images."""
    repository = image_uri.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
    name = _ALIASES.get(repository, repository)
    return BUILTINS.get(name)
