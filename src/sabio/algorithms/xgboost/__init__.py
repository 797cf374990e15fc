"""The XGBoost built-in, compatible with SageMaker's XGBoost algorithm container.

Run as ``python -m sabio.algorithms.xgboost`` inside a job folder. Hyperparameters use
SageMaker's names (``num_round``, ``eta``, ``max_depth``, ``objective``,
``eval_metric``, ``early_stopping_rounds`` ...). Each boosting round prints
``[N]<TAB>train-<metric>:<value><TAB>validation-<metric>:<value>`` and reports
``train:<metric>`` / ``validation:<metric>`` on the structured metric channel. The model is
written as ``xgboost-model`` in XGBoost's JSON format (``xgboost.Booster().load_model``
reads it) next to ``sabio-model.json`` (preprocessing, classes, threshold).

Defaults where SageMaker would refuse or guess: without ``num_round`` the booster grows
until the validation score stops improving for 50 rounds (at most 1000; 100 rounds when there
is no validation channel), and a binary label whose rarer class is under 20% of the rows is
watched with ``eval_metric=aucpr`` unless ``eval_metric`` is set.

Inference handlers: :mod:`sabio.algorithms.xgboost.inference` (CSV, JSON, JSON Lines, NPY and
libsvm requests).
"""

from __future__ import annotations

__all__: list[str] = []
