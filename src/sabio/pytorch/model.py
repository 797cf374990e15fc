"""``sabio.pytorch.model``: SageMaker's ``PyTorchModel`` and ``PyTorchPredictor``."""

from __future__ import annotations

from typing import Any

from sabio.model import FrameworkModel
from sabio.predictor import PyTorchPredictor

__all__ = ["PyTorchModel", "PyTorchPredictor"]


class PyTorchModel(FrameworkModel):
    """A PyTorch model served in this environment (SageMaker's ``PyTorchModel``).

    ``entry_point`` defines ``model_fn`` (and optionally the other handlers);
    :meth:`deploy` returns a :class:`PyTorchPredictor` (NumPy in and out).

    Example:
        >>> from sabio.pytorch import PyTorchModel
        >>> model = PyTorchModel("file://model.tar.gz", role="any", entry_point="inference.py",
        ...                      framework_version="2.1", py_version="py310")  # doctest: +SKIP
    """

    _framework_name = "pytorch"
    _default_predictor = PyTorchPredictor

    def __init__(
        self,
        model_data: str | None,
        role: str | None = None,
        entry_point: str | None = None,
        framework_version: str | None = None,
        py_version: str | None = None,
        image_uri: str | None = None,
        predictor_cls: Any = PyTorchPredictor,
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
