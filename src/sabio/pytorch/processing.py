"""``sabio.pytorch.processing.PyTorchProcessor``: SageMaker's PyTorch framework processor."""

from __future__ import annotations

from typing import Any

from sabio.processing import FrameworkProcessor
from sabio.pytorch.estimator import PyTorch

__all__ = ["PyTorchProcessor"]


class PyTorchProcessor(FrameworkProcessor):
    """Runs ``code`` from ``source_dir`` with the pytorch installed here (SageMaker's
    signature; see :class:`~sabio.processing.FrameworkProcessor`).

    Raises:
        FrameworkNotInstalledError: pytorch is not installed here.
    """

    def __init__(self, framework_version: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(PyTorch, framework_version, *args, **kwargs)
