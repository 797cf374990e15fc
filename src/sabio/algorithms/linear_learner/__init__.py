"""The linear learner built-in (scikit-learn), compatible with SageMaker's Linear Learner names.

Run as ``python -m sabio.algorithms.linear_learner`` inside a job folder. Regression is
least squares (``loss`` squared_loss, absolute_loss or huber_loss), classification is logistic
regression (binary or softmax). ``l1`` and ``wd`` are per-example penalties as in SageMaker:
the objective is the mean loss + ``l1``·|w|₁ + ``wd``/2·|w|². Inputs are standardised
(``normalize_data``) and, for regression, so is the label (``normalize_label``); text columns
are one-hot encoded. SageMaker's SGD settings (``epochs``, ``mini_batch_size``,
``learning_rate``, ``optimizer`` ...) are accepted and ignored: the model is solved exactly.
The model is ``model.skops`` next to ``sabio-model.json``.

Inference handlers: :mod:`sabio.algorithms.linear_learner.inference`.
"""

from __future__ import annotations

__all__: list[str] = []
