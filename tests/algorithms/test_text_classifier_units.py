"""Pieces of the text-classifier built-in: tokenizer, holdout split, parameters."""

from __future__ import annotations

import numpy as np
import pytest

from sabio.algorithms._errors import HyperparameterError
from sabio.algorithms._hparams import parse_hyperparameters
from sabio.algorithms.text_classifier._data import TextSplit, holdout
from sabio.algorithms.text_classifier._params import PARAMS, check, resolve
from sabio.algorithms.text_classifier._tokenizer import UNK, WordTokenizer, length_percentile


def test_tokenizer_fits_on_train_only_and_truncates() -> None:
    tokenizer = WordTokenizer.fit(
        ["Fever and cough", "fever, chills"], max_vocab=10, min_count=1, max_len=3
    )
    assert tokenizer.vocab[0] == "fever"  # the most frequent word gets the first id
    assert tokenizer.encode("FEVER rash and chills and cough") == [
        2,
        UNK,
        tokenizer.encode("and")[0],
    ]
    assert tokenizer.encode("!!!") == [UNK]
    assert WordTokenizer.from_json(tokenizer.to_json()) == tokenizer


def test_tokenizer_min_count_and_vocab_cap() -> None:
    tokenizer = WordTokenizer.fit(["a a b b c"], max_vocab=3, min_count=2, max_len=5)
    assert tokenizer.vocab == ["a"] and tokenizer.size == 3


def test_length_percentile_bounds() -> None:
    assert length_percentile(list(range(1, 101)), 95) == 96
    assert length_percentile([2, 3], 95) == 8
    assert length_percentile([1000], 95) == 512


def test_holdout_is_stratified_and_keeps_copies_together() -> None:
    texts = [f"text {i}" for i in range(20)] + ["Text 0", "text  1"]
    y = np.array([i % 2 for i in range(20)] + [0, 1], dtype=np.int64)
    train, valid = holdout(TextSplit("train", texts, y), 0.2, seed=0)
    assert sorted(np.bincount(valid.y).tolist()) == [2, 2] or len(valid.y) == 5
    held = {t.lower().replace("  ", " ") for t in valid.texts}
    assert not held & {t.lower().replace("  ", " ") for t in train.texts}
    assert len(train.texts) + len(valid.texts) == 22


def test_params_auto_defaults_depend_on_model_type() -> None:
    hps = resolve(parse_hyperparameters({"model_type": "bilstm"}, PARAMS, "text_classifier"))
    assert hps["epochs"] == 25 and hps["validation_split"] == 0.1
    assert hps["early_stopping_patience"] == 4
    tfidf = resolve(parse_hyperparameters({}, PARAMS, "text_classifier"))
    assert tfidf["model_type"] == "tfidf" and tfidf["validation_split"] == 0.0
    given = resolve(parse_hyperparameters({"model_type": "bilstm", "epochs": "3"}, PARAMS, "t"))
    assert given["epochs"] == 3


def test_params_reject_settings_of_another_model_type() -> None:
    hps = parse_hyperparameters({"max_len": "20"}, PARAMS, "text_classifier")
    with pytest.raises(HyperparameterError, match=r"\['max_len'\] apply to model_type"):
        check(hps)


def test_set_threads_explicit_and_automatic() -> None:
    torch = pytest.importorskip("torch")
    from sabio.algorithms.text_classifier._base import set_threads

    before = torch.get_num_threads()
    try:
        assert set_threads({"num_threads": 1}, 4) == 1 and torch.get_num_threads() == 1
        assert 1 <= set_threads({}, 2) <= 2  # idle CPUs of the job, at least one
    finally:
        torch.set_num_threads(before)
