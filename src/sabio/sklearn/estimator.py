"""``sabio.sklearn.SKLearn``: SageMaker's SKLearn estimator (script mode, this environment)."""

from __future__ import annotations

from typing import Any

from sabio.estimator import Framework

__all__ = ["SKLearn"]


class SKLearn(Framework):
    """Script-mode SKLearn training (requires ``sklearn`` in this Python environment).

    Accepts SageMaker's arguments (``framework_version``, ``py_version``, …); the
    script runs with the sklearn that is installed here.
    """

    _framework = "scikit-learn"
    _framework_module = "sklearn"
    _framework_pip = "scikit-learn"

    def __init__(self, entry_point: str, **kwargs: Any) -> None:
        super().__init__(entry_point=entry_point, **kwargs)
