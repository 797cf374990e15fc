"""What every text model type provides, and how the program hands it its inputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sabio.algorithms._metrics import Arr
from sabio.algorithms.text_classifier._data import TextData

__all__ = ["CONFIG_FILE", "TextModel", "TrainInput", "set_threads"]

#: JSON config every model type writes next to its weights.
CONFIG_FILE = "text-classifier.json"


@dataclass
class TrainInput:
    """What a model type's ``train`` function receives.

    Attributes:
        hps: validated hyperparameters, ``auto`` values resolved.
        data: the checked splits.
        channels: channel name → folder (the optional ``model`` channel holds a pretrained
            model).
        num_cpus: CPUs the job may use.
    """

    hps: dict[str, Any]
    data: TextData
    channels: dict[str, Path]
    num_cpus: int


class TextModel(Protocol):
    """A trained text model."""

    #: Metrics of the final (best) epoch, e.g. ``{"validation:loss": 0.3}``.
    final_metrics: dict[str, float]
    #: Epoch of the final metrics.
    steps: int

    def predict_proba(self, texts: list[str]) -> Arr:
        """Class probabilities ``(n, k)``."""

    def save(self, model_dir: Path) -> list[str]:
        """Write the model files; return their names."""


def set_threads(hps: dict[str, Any], num_cpus: int) -> int:
    """Give torch ``num_threads`` threads (default: every CPU of the job); returns the count."""
    import torch

    threads = int(hps.get("num_threads") or num_cpus)
    torch.set_num_threads(threads)
    return threads
