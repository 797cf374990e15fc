"""``sabio.pytorch.PyTorch``: SageMaker's PyTorch estimator (script mode, this environment)."""

from __future__ import annotations

from typing import Any

from sabio.estimator import Framework

__all__ = ["PyTorch"]


class PyTorch(Framework):
    """Script-mode PyTorch training (requires ``torch`` in this Python environment).

    Accepts SageMaker's arguments (``framework_version``, ``py_version``, …); the
    script runs with the torch that is installed here.
    """

    _framework = "pytorch"
    _framework_module = "torch"
    _framework_pip = "torch==2.13.0"

    def __init__(self, entry_point: str, **kwargs: Any) -> None:
        super().__init__(entry_point=entry_point, **kwargs)
