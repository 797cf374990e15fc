"""``sagemaker_containers.transformer``: the handler chain of a serving container.

:class:`Transformer` chains ``model_fn``, ``input_fn``, ``predict_fn`` and ``output_fn`` (or
one ``transform_fn``) as SageMaker's containers do; sabio's model server runs the same
chain itself, so scripts need this only when they build one by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sagemaker_containers import encoders
from sagemaker_containers.worker import Response

__all__ = ["Transformer"]


def _default_input_fn(input_data: Any, content_type: str) -> Any:
    return encoders.decode(input_data, content_type)


def _default_predict_fn(data: Any, model: Any) -> Any:
    return model.predict(data) if hasattr(model, "predict") else model(data)


def _default_output_fn(prediction: Any, accept: str) -> Response:
    return Response(encoders.encode(prediction, accept), mimetype=accept)


class Transformer:
    """A model plus the functions that turn a request into an answer.

    Args:
        model_fn: ``model_fn(model_dir)``; called by :meth:`initialize`.
        input_fn, predict_fn, output_fn: the steps (default: the encoders and
            ``model.predict``).
        transform_fn: one function ``(model, data, content_type, accept)`` instead.
    """

    def __init__(
        self,
        model_fn: Callable[[str], Any] | None = None,
        input_fn: Callable[[Any, str], Any] | None = None,
        predict_fn: Callable[[Any, Any], Any] | None = None,
        output_fn: Callable[[Any, str], Any] | None = None,
        transform_fn: Callable[[Any, Any, str, str], Any] | None = None,
        error_class: type[Exception] = Exception,
    ) -> None:
        self._model_fn = model_fn
        self._input_fn = input_fn or _default_input_fn
        self._predict_fn = predict_fn or _default_predict_fn
        self._output_fn = output_fn or _default_output_fn
        self._transform_fn = transform_fn
        self._error_class = error_class
        self._model: Any = None

    def initialize(self, model_dir: str = "") -> None:
        """Load the model with ``model_fn``."""
        if self._model_fn is not None:
            self._model = self._model_fn(model_dir)

    def transform(self, content: Any, content_type: str, accept: str) -> Any:
        """Answer one request body."""
        if self._transform_fn is not None:
            return self._transform_fn(self._model, content, content_type, accept)
        data = self._input_fn(content, content_type)
        prediction = self._predict_fn(data, self._model)
        return self._output_fn(prediction, accept)
