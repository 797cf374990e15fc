"""The random forest built-in (scikit-learn), for classification and regression.

Run as ``python -m sabio.algorithms.random_forest`` inside a job folder. Hyperparameters use
scikit-learn's names (``n_estimators``, ``max_depth``, ``min_samples_leaf``, ``max_features``,
``class_weight`` ...) plus the common ``target``, ``predictor_type``, ``subgroup_columns``,
``threshold_metric`` and ``positive_class``. Text columns are one-hot encoded and missing
numbers imputed with the training median. Defaults: 300 trees, ``max_features`` sqrt
(classification) or all (regression), ``criterion`` entropy (classification) or
squared_error. Without a validation channel, a binary model's decision threshold is chosen on
its out-of-bag predictions. The model is ``model.skops`` (skops, not pickle) next to
``sabio-model.json``.

Inference handlers: :mod:`sabio.algorithms.random_forest.inference`.
"""

from __future__ import annotations

__all__: list[str] = []
