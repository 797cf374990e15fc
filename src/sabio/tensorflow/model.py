"""``sabio.tensorflow.model``: SageMaker's ``TensorFlowModel`` and ``TensorFlowPredictor``."""

from __future__ import annotations

from typing import Any

from sabio.model import FrameworkModel
from sabio.predictor import TensorFlowPredictor

__all__ = ["TensorFlowModel", "TensorFlowPredictor"]


class TensorFlowModel(FrameworkModel):
    """A TensorFlow model served in this environment (SageMaker's ``TensorFlowModel``).

    Requires TensorFlow in this environment. :meth:`deploy` returns a
    :class:`TensorFlowPredictor` (JSON in and out, TensorFlow Serving's REST shapes).

    Example:
        >>> from sabio.tensorflow import TensorFlowModel
        >>> model = TensorFlowModel("file://model.tar.gz", role="any",
        ...                         framework_version="2.13")  # doctest: +SKIP
    """

    _framework_name = "tensorflow"
    _default_predictor = TensorFlowPredictor

    def __init__(
        self,
        model_data: str | None,
        role: str | None = None,
        entry_point: str | None = None,
        image_uri: str | None = None,
        framework_version: str | None = None,
        container_log_level: int | None = None,
        predictor_cls: Any = TensorFlowPredictor,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            model_data,
            role=role,
            entry_point=entry_point,
            framework_version=framework_version,
            image_uri=image_uri,
            predictor_cls=predictor_cls,
            **kwargs,
        )
