"""TF-IDF of word 1–2-grams (by default) + multinomial logistic regression: the strong,
fast baseline.

The model is stored without pickle: the vocabulary and settings in ``text-classifier.json``,
the IDF weights, coefficients and intercepts in ``model.safetensors``. Prediction rebuilds the
vectorizer with the saved vocabulary and applies the linear model with a softmax.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from sabio.algorithms._metrics import Arr
from sabio.algorithms.text_classifier._base import CONFIG_FILE, TrainInput
from sabio.algorithms.text_classifier._loop import epoch_metrics

__all__ = ["TfidfModel", "load", "train"]

WEIGHTS_FILE = "model.safetensors"
# Same token rule as the BiLSTM tokenizer's words (scikit-learn's default drops 1-letter words).
_TOKEN_PATTERN = r"(?u)\b\w+\b"


def _vectorizer(settings: dict[str, Any], vocabulary: dict[str, int] | None = None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        ngram_range=(1, int(settings["ngram_max"])),
        min_df=int(settings["min_df"]),
        max_features=settings.get("max_features"),
        sublinear_tf=bool(settings["sublinear_tf"]),
        token_pattern=_TOKEN_PATTERN,
        vocabulary=vocabulary,
        dtype=np.float64,
    )


class TfidfModel:
    """A fitted vectorizer and linear model."""

    def __init__(
        self, vectorizer: Any, coef: Arr, intercept: Arr, settings: dict[str, Any]
    ) -> None:
        self.vectorizer = vectorizer
        self.coef = coef
        self.intercept = intercept
        self.settings = settings
        self.final_metrics: dict[str, float] = {}
        self.steps = 0

    def predict_proba(self, texts: list[str]) -> Arr:
        """See :class:`~sabio.algorithms.text_classifier._base.TextModel`."""
        logits = np.asarray(self.vectorizer.transform(texts) @ self.coef.T) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probs: Arr = exp / exp.sum(axis=1, keepdims=True)
        return probs

    def save(self, model_dir: Path) -> list[str]:
        """Write ``model.safetensors`` and ``text-classifier.json``."""
        from safetensors.numpy import save_file

        vocabulary = {str(k): int(v) for k, v in self.vectorizer.vocabulary_.items()}
        save_file(
            {
                "idf": np.ascontiguousarray(self.vectorizer.idf_),
                "coef": np.ascontiguousarray(self.coef),
                "intercept": np.ascontiguousarray(self.intercept),
            },
            str(model_dir / WEIGHTS_FILE),
        )
        config = {"model_type": "tfidf", "settings": self.settings, "vocabulary": vocabulary}
        (model_dir / CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
        return [WEIGHTS_FILE, CONFIG_FILE]


def load(model_dir: Path) -> TfidfModel:
    """Rebuild a saved TF-IDF model."""
    from safetensors.numpy import load_file

    config = json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    arrays = load_file(str(model_dir / WEIGHTS_FILE))
    vectorizer = _vectorizer(config["settings"], config["vocabulary"])
    vectorizer.idf_ = arrays["idf"]  # a fixed vocabulary plus IDF weights make it fitted
    return TfidfModel(vectorizer, arrays["coef"], arrays["intercept"], config["settings"])


def train(inp: TrainInput) -> TfidfModel:
    """Fit the vectorizer and the logistic regression on the training texts."""
    from sklearn.linear_model import LogisticRegression

    hps, data = inp.hps, inp.data
    settings = {k: hps.get(k) for k in ("ngram_max", "min_df", "max_features", "sublinear_tf")}
    vectorizer = _vectorizer(settings)
    x = vectorizer.fit_transform(data.train.texts)
    print(f"TF-IDF: {x.shape[1]} word n-gram features from {x.shape[0]} training texts.")
    classifier = LogisticRegression(C=hps["C"], max_iter=hps["max_iter"], random_state=hps["seed"])
    classifier.fit(x, data.train.y)
    k = len(data.classes)
    coef, intercept = classifier.coef_, classifier.intercept_
    if coef.shape[0] == 1 and k == 2:  # binary: one weight row → two softmax logits
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
        intercept = np.array([0.0, float(intercept[0])])
    model = TfidfModel(
        vectorizer, np.asarray(coef, np.float64), np.asarray(intercept, np.float64), settings
    )
    for split in (data.train, data.validation):
        if split is not None:
            prefix = "train" if split is data.train else "validation"
            model.final_metrics |= epoch_metrics(split.y, model.predict_proba(split.texts), prefix)
    return model
