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
    """Give torch ``num_threads`` threads; returns the count.

    By default every CPU of the job that other processes leave idle (one-minute load
    average), at least one: when the CPUs are shared, a thread that waits for a descheduled
    sibling at each of the many small operations of a training step made MiniLM fine-tuning
    five times slower with 2 threads than with 1 on a busy 2-core machine.
    """
    import os

    import torch

    threads = hps.get("num_threads")
    if not threads:
        try:
            busy = os.getloadavg()[0]
        except OSError:  # no load average on this platform
            busy = 0.0
        threads = max(1, min(num_cpus, round(num_cpus - busy)))
        print(f"Using {threads} torch thread(s): {num_cpus} CPU(s), load average {busy:.1f} "
              "(set num_threads to choose).")  # fmt: skip
    torch.set_num_threads(int(threads))
    return int(threads)
