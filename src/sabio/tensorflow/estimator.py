"""``sabio.tensorflow.TensorFlow``: SageMaker's TensorFlow estimator (script mode)."""

from __future__ import annotations

from typing import Any

from sabio.estimator import Framework

__all__ = ["TensorFlow"]


class TensorFlow(Framework):
    """Script-mode TensorFlow training (requires ``tensorflow`` in this Python environment).

    Accepts SageMaker's arguments (``framework_version``, ``py_version``, …); the
    script runs with the tensorflow that is installed here.
    """

    _framework = "tensorflow"
    _framework_module = "tensorflow"

    def __init__(self, entry_point: str, **kwargs: Any) -> None:
        super().__init__(entry_point=entry_point, **kwargs)
