"""What a built-in algorithm is, declared once per built-in.

Every fact the rest of sabio needs about a built-in (its image name for
``image_uris.retrieve``, the program ``python -m`` runs, its inference handlers, its estimator
class, what a warm pool imports ahead, Hyperband's budget) is a field of one
:class:`BuiltinAlgorithm`; the tables other modules use are derived from :data:`BUILTINS`.
This module imports only the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BUILTINS",
    "REPORT_IMPORTS",
    "BuiltinAlgorithm",
    "builtin_for_image",
    "builtin_for_program",
    "builtin_named",
]

#: Modules every program imports lazily to write its evaluation report (warmed ahead).
REPORT_IMPORTS: tuple[str, ...] = (
    "sabio.algorithms._evaluate",
    "sabio.algorithms._report",
    "sabio.algorithms._plots",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
)


@dataclass(frozen=True)
class BuiltinAlgorithm:
    """One built-in algorithm.

    Attributes:
        name: the package, ``sabio.algorithms.<name>`` (``"random_forest"``); also the
            ``algorithm`` recorded in a model's ``sabio-model.json``.
        image_name: the name :func:`sabio.image_uris.retrieve` takes and image URIs carry
            (``"random-forest"`` → ``sabio/random-forest:latest``).
        estimator: the estimator class in :mod:`sabio.algorithms` (``"RandomForest"``).
        image_aliases: other image names that mean this built-in (SageMaker's ECR names).
        warm_imports: modules the program imports inside functions, which a warm pool
            imports ahead (after the program itself).
        resource_hyperparameter: the epochs/rounds hyperparameter Hyperband budgets.
    """

    name: str
    image_name: str
    estimator: str
    image_aliases: tuple[str, ...] = ()
    warm_imports: tuple[str, ...] = ()
    resource_hyperparameter: str | None = None

    @property
    def program(self) -> str:
        """The module run with ``python -m``."""
        return f"sabio.algorithms.{self.name}"

    @property
    def inference_module(self) -> str:
        """The module holding the SageMaker inference handlers."""
        return f"{self.program}.inference"

    def image_uri(self, version: str | None = None) -> str:
        """The image identifier (``sabio/<image_name>:<version or latest>``)."""
        return f"sabio/{self.image_name}:{version or 'latest'}"


#: The built-in algorithms, in the order the docs list them.
BUILTINS: tuple[BuiltinAlgorithm, ...] = (
    BuiltinAlgorithm(
        name="xgboost",
        image_name="xgboost",
        estimator="XGBoost",
        image_aliases=("sagemaker-xgboost",),
        warm_imports=(*REPORT_IMPORTS, "xgboost"),
        resource_hyperparameter="num_round",
    ),
    BuiltinAlgorithm(
        name="random_forest",
        image_name="random-forest",
        estimator="RandomForest",
        image_aliases=("randomforest",),
        warm_imports=(*REPORT_IMPORTS, "sklearn.ensemble", "skops.io"),
    ),
    BuiltinAlgorithm(
        name="linear_learner",
        image_name="linear-learner",
        estimator="LinearLearner",
        warm_imports=(
            *REPORT_IMPORTS,
            "sklearn.linear_model",
            "sklearn.compose",
            "sklearn.preprocessing",
            "skops.io",
        ),
        resource_hyperparameter="epochs",
    ),
    BuiltinAlgorithm(
        name="mlp",
        image_name="mlp",
        estimator="MLP",
        warm_imports=(*REPORT_IMPORTS, "torch", "torch.nn", "safetensors.torch"),
        resource_hyperparameter="epochs",
    ),
    BuiltinAlgorithm(
        name="text_classifier", image_name="text-classifier", estimator="TextClassifier"
    ),
)


def builtin_named(image_name: str) -> BuiltinAlgorithm | None:
    """The built-in an image name (or one of its aliases) names, or ``None``."""
    for builtin in BUILTINS:
        if image_name == builtin.image_name or image_name in builtin.image_aliases:
            return builtin
    return None


def builtin_for_image(image_uri: str) -> BuiltinAlgorithm | None:
    """The built-in an image URI names (``sabio/xgboost:1.7-1``, SageMaker's
    ``…/sagemaker-xgboost:1.7-1``), or ``None`` for other images."""
    repository = image_uri.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
    return builtin_named(repository)


def builtin_for_program(module: str | None) -> BuiltinAlgorithm | None:
    """The built-in whose program is ``module`` (``sabio.algorithms.mlp``), or ``None``."""
    return next((b for b in BUILTINS if b.program == module), None)
