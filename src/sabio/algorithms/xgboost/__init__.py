"""The XGBoost built-in, compatible with SageMaker's XGBoost algorithm container.

Run as ``python -m sabio.algorithms.xgboost`` inside a job folder. Hyperparameters use
SageMaker's names (``num_round`` is required; ``eta``, ``max_depth``, ``objective``,
``eval_metric``, ``early_stopping_rounds`` ...). Each boosting round prints
``[N]<TAB>train-<metric>:<value><TAB>validation-<metric>:<value>`` and reports
``train:<metric>`` / ``validation:<metric>`` on the structured metric channel. The model is
written as ``xgboost-model`` in XGBoost's JSON format (``xgboost.Booster().load_model``
reads it) next to ``sabio-model.json`` (preprocessing, classes, threshold).

Inference handlers: :mod:`sabio.algorithms.xgboost.inference` (CSV, JSON, JSON Lines, NPY and
libsvm requests).
"""

from __future__ import annotations

__all__: list[str] = []
