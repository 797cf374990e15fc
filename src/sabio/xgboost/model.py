"""``sabio.xgboost.model``: SageMaker's ``XGBoostModel`` and ``XGBoostPredictor``."""

from __future__ import annotations

from typing import Any

from sabio.model import FrameworkModel
from sabio.predictor import XGBoostPredictor

__all__ = ["XGBoostModel", "XGBoostPredictor"]


class XGBoostModel(FrameworkModel):
    """An XGBoost model served in this environment (SageMaker's ``XGBoostModel``).

    Without ``model_fn`` in ``entry_point``, an ``xgboost-model`` file in the model data is
    loaded as a Booster, as SageMaker's XGBoost container does. :meth:`deploy` returns an
    :class:`XGBoostPredictor` (libsvm in, CSV out).

    Example:
        >>> from sabio.xgboost import XGBoostModel
        >>> model = XGBoostModel("file://xgboost-model", role="any",
        ...                      entry_point="inference.py")  # doctest: +SKIP
    """

    _framework_name = "xgboost"
    _default_predictor = XGBoostPredictor
    _names_image = False

    def __init__(
        self,
        model_data: str | None,
        role: str | None = None,
        entry_point: str | None = None,
        framework_version: str | None = None,
        image_uri: str | None = None,
        py_version: str | None = "py3",
        predictor_cls: Any = XGBoostPredictor,
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
