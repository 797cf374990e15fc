"""The training loop shared by the neural text models (BiLSTM and pretrained encoders).

Speed on a small CPU comes from padding as little as possible: each epoch shuffles the
texts, sorts them by length within pools of ~50 batches and pads each batch only to its own
longest text (dynamic padding); prediction sorts all texts by length. Each epoch logs
``train:loss``, ``validation:loss``, ``validation:accuracy`` and ``validation:macro_f1``;
early stopping watches the validation loss and the best epoch's weights are restored.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sabio.algorithms._metrics import Arr, multiclass_metrics
from sabio.runtime import log_metric

__all__ = ["FitResult", "LoopData", "epoch_metrics", "fit", "predict_proba"]

#: ``collate(rows)`` → the model's input for those rows (padded to the longest of them).
Collate = Callable[[list[int]], Any]

_POOL = 50


@dataclass
class LoopData:
    """One split as the loop sees it: per-row lengths (for batching) and class indices."""

    lengths: npt.NDArray[np.int64]
    y: npt.NDArray[np.int64]
    collate: Collate


@dataclass
class FitResult:
    """What training produced besides the weights."""

    epochs_trained: int
    best_epoch: int
    final_metrics: dict[str, float]


def _batches(
    lengths: npt.NDArray[np.int64], size: int, rng: np.random.Generator | None
) -> list[npt.NDArray[np.int64]]:
    n = len(lengths)
    if rng is None:  # prediction: globally sorted, least padding
        order = np.argsort(lengths, kind="stable")
        return [order[i : i + size] for i in range(0, n, size)]
    batches: list[npt.NDArray[np.int64]] = []
    shuffled = rng.permutation(n)
    for start in range(0, n, size * _POOL):
        pool = shuffled[start : start + size * _POOL]
        pool = pool[np.argsort(lengths[pool], kind="stable")]
        batches += [pool[i : i + size] for i in range(0, len(pool), size)]
    return [batches[i] for i in rng.permutation(len(batches)).tolist()]


def predict_proba(model: Any, data: LoopData, batch_size: int) -> Arr:
    """Class probabilities ``(n, k)`` of every row, in the rows' order."""
    import torch

    model.eval()
    parts: list[tuple[npt.NDArray[np.int64], Any]] = []
    with torch.inference_mode():
        for rows in _batches(data.lengths, batch_size, None):
            logits = model(data.collate(rows.tolist()))
            parts.append((rows, torch.softmax(logits.double(), dim=-1).numpy()))
    k = parts[0][1].shape[1]
    out: Arr = np.zeros((len(data.lengths), k))
    for rows, probs in parts:
        out[rows] = probs
    return out


def epoch_metrics(y: npt.NDArray[np.int64], probs: Arr, prefix: str) -> dict[str, float]:
    """Loss (cross-entropy), accuracy and macro-F1 of predicted probabilities."""
    values = multiclass_metrics(y, probs, np.ones((1, len(y))))
    return {
        f"{prefix}:loss": float(values["log_loss"][0]),
        f"{prefix}:accuracy": float(values["accuracy"][0]),
        f"{prefix}:macro_f1": float(values["f1"][0]),
    }


def _report(epoch: int, metrics: dict[str, float]) -> None:
    parts = []
    for name, value in metrics.items():
        log_metric(name, value, step=epoch)
        parts.append(f"{name.replace(':', '-', 1)}:{value:.5f}")
    print(f"[{epoch}]\t" + "\t".join(parts), flush=True)


def fit(
    model: Any,
    optimizer: Any,
    train: LoopData,
    valid: LoopData | None,
    *,
    epochs: int,
    batch_size: int,
    patience: int,
    seed: int,
    schedule: str = "constant",
    clip: float | None = 1.0,
) -> FitResult:
    """Train ``model`` (returns logits) with cross-entropy; restores the best epoch's weights.

    Args:
        schedule: ``constant`` learning rate, or ``linear`` (10% warm-up, then decay to 0).
        clip: gradient-norm clipping (``None``: off).
    """
    import torch

    rng = np.random.default_rng(seed)
    loss_fn = torch.nn.CrossEntropyLoss()
    steps_per_epoch = math.ceil(len(train.y) / batch_size)
    total = max(steps_per_epoch * epochs, 1)
    warmup = max(int(0.1 * total), 1)
    scheduler = None
    if schedule == "linear":
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer,
            lambda s: (s + 1) / warmup if s < warmup else max(0.0, (total - s) / (total - warmup)),
        )
    trainable = [p for group in optimizer.param_groups for p in group["params"]]
    best_loss, best_epoch, best_state, best_metrics = math.inf, -1, None, {}
    metrics: dict[str, float] = {}
    epoch = -1
    for epoch in range(epochs):
        model.train()
        total_loss, seen = 0.0, 0
        for rows in _batches(train.lengths, batch_size, rng):
            target = torch.as_tensor(train.y[rows], dtype=torch.long)
            loss = loss_fn(model(train.collate(rows.tolist())), target)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(trainable, clip)
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            total_loss += float(loss.detach()) * len(rows)
            seen += len(rows)
        metrics = {"train:loss": total_loss / max(seen, 1)}
        if valid is not None:
            metrics |= epoch_metrics(
                valid.y, predict_proba(model, valid, batch_size * 2), "validation"
            )
        _report(epoch, metrics)
        monitored = metrics.get("validation:loss", metrics["train:loss"])
        if monitored < best_loss:
            best_loss, best_epoch, best_metrics = monitored, epoch, metrics
            if valid is not None:
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        elif valid is not None and patience and epoch - best_epoch >= patience:
            print(f"Early stopping after epoch {epoch}: no lower validation loss for "
                  f"{patience} epochs (best epoch {best_epoch}).", file=sys.stderr)  # fmt: skip
            break
    if best_state is not None:
        model.load_state_dict(best_state)
        return FitResult(epoch + 1, best_epoch, best_metrics)
    return FitResult(epoch + 1, epoch, metrics)
