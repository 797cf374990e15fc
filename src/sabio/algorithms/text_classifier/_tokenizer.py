"""The word tokenizer of the BiLSTM: lower-cased words and numbers, a vocabulary fitted on the
training texts only, and ids padded or truncated to ``max_len``.

Id 0 is padding and id 1 stands for words outside the vocabulary.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

__all__ = ["PAD", "UNK", "WordTokenizer", "length_percentile"]

PAD, UNK = 0, 1
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``."""
    return _WORD.findall(text.lower())


def length_percentile(
    lengths: list[int], percentile: float, *, low: int = 8, high: int = 512
) -> int:
    """A ``max_len`` covering ``percentile`` % of the lengths, kept within ``[low, high]``."""
    if not lengths:
        return low
    return int(min(max(np.ceil(np.percentile(lengths, percentile)), low), high))


@dataclass
class WordTokenizer:
    """Maps words to ids.

    Attributes:
        vocab: words in id order, starting at id 2.
        max_len: longest id sequence produced (longer texts are truncated at the end).
    """

    vocab: list[str]
    max_len: int
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index = {word: i + 2 for i, word in enumerate(self.vocab)}

    @classmethod
    def fit(
        cls, texts: list[str], *, max_vocab: int, min_count: int, max_len: int
    ) -> WordTokenizer:
        """Vocabulary of the ``max_vocab - 2`` most frequent words seen ``min_count`` times."""
        counts = Counter(word for text in texts for word in words(text))
        ranked = sorted(
            (w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w)
        )
        return cls(ranked[: max(max_vocab - 2, 0)], max_len)

    @property
    def size(self) -> int:
        """Number of ids, padding and unknown included."""
        return len(self.vocab) + 2

    def encode(self, text: str) -> list[int]:
        """Ids of ``text`` (at least one id, so empty-looking texts still make a sequence)."""
        ids = [self._index.get(word, UNK) for word in words(text)][: self.max_len]
        return ids or [UNK]

    def to_json(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"vocab": self.vocab, "max_len": self.max_len}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> WordTokenizer:
        """Inverse of :meth:`to_json`."""
        vocab = data["vocab"]
        max_len = data["max_len"]
        if not isinstance(vocab, list) or not isinstance(max_len, int):
            raise ValueError("A tokenizer needs a 'vocab' list and an integer 'max_len'.")
        return cls([str(w) for w in vocab], max_len)
