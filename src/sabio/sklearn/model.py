"""``sabio.sklearn.model``: SageMaker's ``SKLearnModel`` and ``SKLearnPredictor``."""

from __future__ import annotations

from typing import Any

from sabio.model import FrameworkModel
from sabio.predictor import SKLearnPredictor

__all__ = ["SKLearnModel", "SKLearnPredictor"]


class SKLearnModel(FrameworkModel):
    """A scikit-learn model served in this environment (SageMaker's ``SKLearnModel``).

    ``entry_point`` defines ``model_fn`` (and optionally ``input_fn``, ``predict_fn``,
    ``output_fn``); :meth:`deploy` returns an :class:`SKLearnPredictor` (NumPy in and out).

    Example:
        >>> from sabio.sklearn import SKLearnModel
        >>> model = SKLearnModel("file://model.tar.gz", role="any",
        ...                      entry_point="inference.py")  # doctest: +SKIP
        >>> predictor = model.deploy(1, "local")  # doctest: +SKIP
    """

    _framework_name = "sklearn"
    _default_predictor = SKLearnPredictor

    def __init__(
        self,
        model_data: str | None,
        role: str | None = None,
        entry_point: str | None = None,
        framework_version: str | None = None,
        py_version: str | None = "py3",
        image_uri: str | None = None,
        predictor_cls: Any = SKLearnPredictor,
        model_server_workers: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            model_data,
            role=role,
            entry_point=entry_point,
            framework_version=framework_version,
            py_version=py_version,
            image_uri=image_uri,
            predictor_cls=predictor_cls,
            model_server_workers=model_server_workers,
            **kwargs,
        )
