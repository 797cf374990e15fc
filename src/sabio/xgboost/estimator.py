"""``sabio.xgboost.XGBoost``: SageMaker's XGBoost estimator (script mode, this environment)."""

from __future__ import annotations

from typing import Any

from sabio.algorithms.xgboost._params import CUSTOM_METRICS, NATIVE_METRICS
from sabio.estimator import Framework

__all__ = ["PREDEFINED_METRICS", "XGBoost"]

# What XGBoost prints each round (``[3]<TAB>train-rmse:0.41<TAB>validation-rmse:0.45``; the
# log renders tabs as #011, as SageMaker's does).
_NUMBER = r"([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"
#: SageMaker's XGBoost container's predefined metrics: ``train:<m>`` and ``validation:<m>`` for
#: every eval_metric name, read from the round lines of the script's log.
PREDEFINED_METRICS: tuple[dict[str, str], ...] = tuple(
    {"Name": f"{channel}:{metric}", "Regex": rf".*\[[0-9]+\].*#011{channel}-{metric}:{_NUMBER}"}
    for metric in sorted(
        (NATIVE_METRICS | CUSTOM_METRICS) - {m for m in NATIVE_METRICS if "@" in m}
    )
    for channel in ("train", "validation")
)


class XGBoost(Framework):
    """Script-mode XGBoost training (requires ``xgboost`` in this Python environment).

    Accepts SageMaker's arguments (``framework_version``, ``py_version``, …); the
    script runs with the xgboost that is installed here. As on SageMaker, the container's
    predefined metrics (:data:`PREDEFINED_METRICS`: ``validation:auc``, ``train:rmse`` …, read
    from the ``[N]<TAB>validation-auc:...`` lines ``xgboost.train`` prints) are always
    collected, so a tuner can optimise them without ``metric_definitions``.
    """

    _framework = "xgboost"
    _framework_module = "xgboost"
    _framework_pip = "xgboost-cpu"

    def __init__(self, entry_point: str, **kwargs: Any) -> None:
        super().__init__(entry_point=entry_point, **kwargs)
        given = {definition.get("Name") for definition in self.metric_definitions}
        self.metric_definitions += [d for d in PREDEFINED_METRICS if d["Name"] not in given]
