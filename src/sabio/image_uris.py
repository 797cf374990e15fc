"""``sabio.image_uris.retrieve``: identifiers of the built-in algorithms and frameworks.

sabio runs no containers. An "image URI" names a built-in program; SageMaker's own ECR
URIs for the same algorithms (``.../sagemaker-xgboost:1.7-1``) are understood too, so
notebooks with hard-coded URIs keep working. For a framework (``sklearn``, ``pytorch``,
``tensorflow``) the URI means "this Python environment": the requested version is
compared with the installed one, and a mismatch warns (:class:`FrameworkVersionWarning`).

Example:
    >>> from sabio import image_uris
    >>> image_uris.retrieve("xgboost", "us-east-1", "1.7-1")
    'sabio/xgboost:1.7-1'
"""

from __future__ import annotations

import warnings
from typing import Any

from sabio._frameworks import FRAMEWORKS, framework_named, version_matches
from sabio.algorithms._builtins import BUILTINS as _ALGORITHMS
from sabio.algorithms._builtins import builtin_for_image, builtin_named
from sabio.exceptions import FrameworkVersionWarning, ValidationError, did_you_mean

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
    """Return the image identifier of a built-in algorithm or of a framework.

    Args:
        framework: a built-in algorithm (``"xgboost"``, ``"linear-learner"``, ...) or a
            framework (``"sklearn"``, ``"pytorch"``, ``"tensorflow"``).
        region, py_version, instance_type: accepted as SageMaker's and ignored.
        version: the algorithm or framework version. For a framework, the installed
            version when omitted; a different one warns, since the code runs with what is
            installed here.

    Raises:
        ValidationError: neither a sabio built-in nor a framework.
        FrameworkNotInstalledError: the framework is not installed in this environment.

    Example:
        >>> retrieve("sklearn", "us-east-1", version="0.23-1")  # doctest: +SKIP
        'sabio/sklearn:0.23-1'
    """
    builtin = builtin_named(framework)
    if builtin is not None:
        return builtin.image_uri(version)
    known = framework_named(framework)
    if known is None:
        names = [b.image_name for b in _ALGORITHMS]
        frameworks = [f.name for f in FRAMEWORKS if f.name not in names]
        raise ValidationError(
            f"No built-in algorithm {framework!r} (nor a framework)."
            f"{did_you_mean(framework, names + frameworks)} sabio ships: {', '.join(names)}; "
            f"frameworks (this Python environment): {', '.join(frameworks)}. For your own "
            "script use an Estimator with entry_point=."
        )
    installed = known.require(f"image_uris.retrieve({framework!r})")
    if version is not None and not version_matches(version, installed):
        warnings.warn(
            f"{known.name} {version} was asked for, but this Python environment (which runs "
            f"the code instead of SageMaker's container) has {known.distribution} "
            f"{installed}. The code will run with {installed}; install {known.distribution}"
            f"=={version.split('-', 1)[0]}.* for the same behaviour, or ask for {installed}.",
            FrameworkVersionWarning,
            stacklevel=2,
        )
    return known.image_uri(version or installed)


def builtin_module(image_uri: str) -> str | None:
    """The module of the built-in an image URI names, or None for other images."""
    builtin = builtin_for_image(image_uri)
    return builtin.program if builtin else None
