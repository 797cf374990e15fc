"""The MLP (multi-layer perceptron) built-in on PyTorch, for regression and classification.

Run as ``python -m sabio.algorithms.mlp`` inside a job folder. Hyperparameters:
``hidden_layers`` (e.g. ``"64,32"``) or ``num_neurons`` × ``num_layers``, ``activation``,
``optimizer``, ``learning_rate``, ``batch_size``, ``epochs``, ``validation_split`` (used when
there is no validation channel), ``early_stopping_patience``, ``weight_decay``, ``dropout``,
``target_transform`` (regression), ``loss``, ``seed``. Inputs are standardised and text
columns one-hot encoded. Each epoch logs ``train:loss``, ``validation:loss`` and
``validation:mse|rmse|mae|r2`` (regression) or ``validation:accuracy|auc|f1``
(classification). The same seed and data give the same model. Weights are
``model.safetensors`` with ``mlp-config.json`` and ``sabio-model.json``.

Inference handlers: :mod:`sabio.algorithms.mlp.inference`.
"""

from __future__ import annotations

__all__: list[str] = []
