"""``sabio.xgboost.processing.XGBoostProcessor``: SageMaker's XGBoost framework processor."""

from __future__ import annotations

from typing import Any

from sabio.processing import FrameworkProcessor
from sabio.xgboost.estimator import XGBoost

__all__ = ["XGBoostProcessor"]


class XGBoostProcessor(FrameworkProcessor):
    """Runs ``code`` from ``source_dir`` with the xgboost installed here (SageMaker's
    signature; see :class:`~sabio.processing.FrameworkProcessor`).

    Raises:
        FrameworkNotInstalledError: xgboost is not installed here.
    """

    def __init__(self, framework_version: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(XGBoost, framework_version, *args, **kwargs)
