"""Convenience estimators of the built-in algorithms (``sabio.algorithms.XGBoost`` ...).

Each class is an :class:`~sabio.estimator.Estimator` whose ``image_uri`` is preset to
:func:`sabio.image_uris.retrieve` of its algorithm, so no ``entry_point`` is needed. The
algorithm's hyperparameters may be passed as keyword arguments next to SageMaker's estimator
arguments (or as ``hyperparameters={...}``, or later with ``set_hyperparameters``). Their
names and values are checked against the built-in's declarations as soon as they are given,
so a typo fails at once with "Did you mean ...?" instead of minutes later in the job.

Example:
    >>> from sabio.algorithms import XGBoost
    >>> xgb = XGBoost(instance_type="local", num_round=100, eta=0.2,
    ...               objective="reg:squarederror")  # doctest: +SKIP
    >>> xgb.fit({"train": "s3://sabio-default/insurance/train"})  # doctest: +SKIP

This module lives in the SDK layer; ``sabio.algorithms`` exposes the classes lazily so the
built-in programs themselves never import the SDK.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from sabio.algorithms._builtins import BuiltinAlgorithm, builtin_named
from sabio.estimator import _CLOUD_ONLY, Estimator, EstimatorBase
from sabio.exceptions import ValidationError, did_you_mean

if TYPE_CHECKING:
    from sabio.algorithms._hparams import Param

__all__ = ["MLP", "BuiltinEstimator", "LinearLearner", "RandomForest", "TextClassifier", "XGBoost"]

#: Arguments of :class:`EstimatorBase` a built-in accepts (its code is built in).
_ESTIMATOR_ARGS = frozenset(inspect.signature(EstimatorBase.__init__).parameters) - {
    "self",
    "kwargs",
    "entry_point",
    "source_dir",
    "dependencies",
    "image_uri",
    "hyperparameters",
}
_PLATFORM_PREFIXES = ("_", "sagemaker_")


def _declared(builtin: BuiltinAlgorithm) -> dict[str, Param] | None:
    """The hyperparameters a built-in declares (``None``: it declares none we can find)."""
    from sabio.algorithms._hparams import COMMON_PARAMS

    module = builtin.program
    params: Sequence[Param] | None = None
    try:
        params = importlib.import_module(f"{module}._params").PARAMS
    except (ImportError, AttributeError):
        try:
            params = importlib.import_module(f"{module}._algorithm").ALGORITHM.params
        except (ImportError, AttributeError):
            return None
    return {param.name: param for param in (*params, *COMMON_PARAMS)}


def _builtin(image_name: str) -> BuiltinAlgorithm:
    builtin = builtin_named(image_name)
    if builtin is None:  # pragma: no cover - a class below names a built-in that is not declared
        raise LookupError(f"no built-in {image_name!r} in sabio.algorithms.BUILTINS")
    return builtin


class BuiltinEstimator(Estimator):
    """An estimator of one built-in algorithm; subclasses set ``builtin``."""

    #: The algorithm (:class:`sabio.algorithms.BuiltinAlgorithm`).
    builtin: ClassVar[BuiltinAlgorithm]
    #: ``sabio.image_uris.retrieve`` name of the algorithm (``builtin.image_name``).
    framework: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.framework = cls.builtin.image_name

    def __init__(
        self,
        role: str | None = None,
        instance_count: int = 1,
        instance_type: str = "local",
        output_path: str | None = None,
        sagemaker_session: Any = None,
        hyperparameters: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Create the estimator.

        Args:
            role: accepted for SageMaker compatibility (not used locally).
            instance_count: number of hosts.
            instance_type: ``local`` or a SageMaker type such as ``ml.m5.large``.
            output_path: where ``<job>/output/model.tar.gz`` goes (default: the session's
                default bucket).
            sagemaker_session: a :class:`sabio.Session` (default: a new one).
            hyperparameters: the algorithm's hyperparameters as a dict.
            **kwargs: more estimator arguments (``max_run``, ``base_job_name``,
                ``environment`` ...) or the algorithm's hyperparameters by name.

        Raises:
            ValidationError: an unknown argument or hyperparameter name, or a value the
                algorithm would refuse.
        """
        estimator_args = {k: v for k, v in kwargs.items() if k in _ESTIMATOR_ARGS | _CLOUD_ONLY}
        given = {k: v for k, v in kwargs.items() if k not in estimator_args}
        self._declared = _declared(self.builtin)
        merged = {**dict(hyperparameters or {}), **given}
        self._check(merged)
        super().__init__(
            role=role,
            instance_count=instance_count,
            instance_type=instance_type,
            output_path=output_path,
            sagemaker_session=sagemaker_session,
            image_uri=self.builtin.image_uri(),
            hyperparameters=merged,
            **estimator_args,
        )

    def set_hyperparameters(self, **kwargs: Any) -> None:
        """Set (add or replace) hyperparameters, checking names and values."""
        self._check(kwargs)
        super().set_hyperparameters(**kwargs)

    def _check(self, values: Mapping[str, Any]) -> None:
        from sabio.algorithms._hparams import coerce

        declared = self._declared
        if declared is None:
            return
        for name, value in values.items():
            if name.startswith(_PLATFORM_PREFIXES):
                continue
            if name not in declared:
                accepted = sorted({*declared, *_ESTIMATOR_ARGS})
                raise ValidationError(
                    f"{type(self).__name__}() got an unknown argument or hyperparameter "
                    f"{name!r}.{did_you_mean(name, accepted)} The {self.framework} built-in "
                    f"accepts the hyperparameters {', '.join(sorted(declared))}."
                )
            if value is not None:
                coerce(declared[name], value)  # HyperparameterError is a ValidationError

    def _default_base_name(self) -> str:
        return self.framework


class XGBoost(BuiltinEstimator):
    """The XGBoost built-in (SageMaker's XGBoost algorithm; ``num_round`` is required)."""

    builtin = _builtin("xgboost")


class RandomForest(BuiltinEstimator):
    """The random forest built-in (scikit-learn; classification and regression)."""

    builtin = _builtin("random-forest")


class LinearLearner(BuiltinEstimator):
    """The linear learner built-in (SageMaker Linear Learner's hyperparameter names)."""

    builtin = _builtin("linear-learner")


class MLP(BuiltinEstimator):
    """The MLP neural-network built-in (PyTorch)."""

    builtin = _builtin("mlp")


class TextClassifier(BuiltinEstimator):
    """The text classifier built-in."""

    builtin = _builtin("text-classifier")
