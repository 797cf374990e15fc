"""``sabio.xgboost.XGBoost``: SageMaker's XGBoost estimator (script mode, this environment)."""

from __future__ import annotations

from typing import Any

from sabio.estimator import Framework

__all__ = ["XGBoost"]


class XGBoost(Framework):
    """Script-mode XGBoost training (requires ``xgboost`` in this Python environment).

    Accepts SageMaker's arguments (``framework_version``, ``py_version``, …); the
    script runs with the xgboost that is installed here.
    """

    _framework = "xgboost"
    _framework_module = "xgboost"
    _framework_pip = "xgboost-cpu"

    def __init__(self, entry_point: str, **kwargs: Any) -> None:
        super().__init__(entry_point=entry_point, **kwargs)
