"""Training the MLP: whole-epoch batching over pre-built tensors, per-epoch metrics, early
stopping with the best weights restored, and determinism from the seed.

Speed on small tabular data comes from avoiding framework overhead: the data is converted to
tensors once, each epoch draws one random permutation and slices mini-batches from it (no
``DataLoader``), steps run through the lean :mod:`~sabio.algorithms.mlp._engine`, and the
per-epoch metrics are computed in one vectorised pass.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sabio.algorithms._errors import DataError
from sabio.algorithms._metrics import Arr
from sabio.algorithms._objective import point_metrics
from sabio.algorithms._program import TrainContext
from sabio.algorithms._task import BINARY, MULTICLASS, REGRESSOR
from sabio.algorithms.mlp._engine import Engine, Optimizer, loss_value
from sabio.algorithms.mlp._network import NetConfig, build, outputs_to_scores, save
from sabio.algorithms.mlp._params import hidden_layers
from sabio.runtime import log_metric

__all__ = ["MLPModel", "train"]

#: Per-epoch validation metrics (canonical name → logged name).
_EPOCH_METRICS = {
    REGRESSOR: {"mse": "mse", "rmse": "rmse", "mae": "mae", "r2": "r2"},
    BINARY: {"accuracy": "accuracy", "roc_auc": "auc", "f1": "f1"},
    MULTICLASS: {"accuracy": "accuracy", "roc_auc": "auc", "f1": "f1"},
}


class MLPModel:
    """A trained network as the program sees it."""

    def __init__(self, net: Any, config: NetConfig, final: dict[str, float]) -> None:
        self.net = net
        self.config = config
        self.final_metrics = final
        self.steps = config.best_epoch
        self.holdout: tuple[Arr, Arr] | None = None

    def predict(self, x: Arr) -> Arr:
        """See :class:`sabio.algorithms._program.Fitted`."""
        return predict(self.net, self.config, x)

    def save(self, model_dir: Path) -> list[str]:
        """Write ``model.safetensors`` and ``mlp-config.json``."""
        return save(self.net, self.config, model_dir)


def predict(net: Any, config: NetConfig, x: Arr) -> Arr:
    """Scores of encoded rows ``x`` (see :func:`outputs_to_scores`)."""
    import torch

    net.eval()
    with torch.inference_mode():
        outputs = net(torch.as_tensor(x, dtype=torch.float32)).double().numpy()
    return outputs_to_scores(outputs, config)


def _target_transform(kind: str, y: Arr) -> dict[str, Any]:
    if kind == "log":
        if np.min(y) <= -1.0:
            raise DataError(
                "Hyperparameter target_transform='log' needs labels above -1 (it uses "
                f"log(1 + y)); the smallest training label is {np.min(y):g}."
            )
        y = np.log1p(y)
    if kind == "none":
        return {"kind": "none", "mean": 0.0, "std": 1.0}
    std = float(np.std(y))
    return {"kind": kind, "mean": float(np.mean(y)), "std": std if std > 0 else 1.0}


def _encode_target(y: npt.NDArray[Any], config: NetConfig) -> Any:
    import torch

    if config.task == MULTICLASS:  # one-hot: the engine's cross-entropy takes probabilities
        return torch.eye(config.output_dim, dtype=torch.float32)[
            torch.as_tensor(y, dtype=torch.long)
        ]
    values = y.astype(np.float64)
    if config.task == REGRESSOR:
        if config.target["kind"] == "log":
            values = np.log1p(values)
        values = (values - config.target["mean"]) / config.target["std"]
    return torch.as_tensor(values, dtype=torch.float32).reshape(-1, 1)


def _threads(hps: dict[str, Any], cpus: int) -> int:
    """Threads for torch: small batches run fastest on one (thread start-up dominates)."""
    if hps.get("num_threads"):
        return int(hps["num_threads"])
    widest = max([hps["batch_size"] * w for w in hidden_layers(hps)] or [0])
    return cpus if widest >= 65536 else 1


def train(ctx: TrainContext) -> MLPModel:
    """Train the network on the prepared data (see :mod:`sabio.algorithms.mlp`)."""
    import torch

    hps, data = ctx.hps, ctx.data
    torch.set_num_threads(_threads(hps, ctx.env.num_cpus))
    torch.manual_seed(hps["seed"])
    generator = torch.Generator().manual_seed(hps["seed"])
    target = {"kind": "none", "mean": 0.0, "std": 1.0}
    if data.task == REGRESSOR:
        target = _target_transform(hps["target_transform"], data.train.y.astype(np.float64))
    config = NetConfig(
        input_dim=data.train.x.shape[1],
        hidden=hidden_layers(hps),
        activation=hps["activation"],
        dropout=hps["dropout"],
        task=data.task,
        output_dim=data.n_classes if data.task == MULTICLASS else 1,
        target=target,
    )
    net = build(config)  # nn.Linear's initialisation, drawn from the seeded generator
    layers = [(m.weight.detach(), m.bias.detach()) for m in net if hasattr(m, "weight")]
    loss = "huber" if hps["loss"] == "auto" else hps["loss"]
    engine = Engine(layers, config.activation, config.dropout, data.task, loss, generator)
    optimizer = Optimizer(
        hps["optimizer"], engine.params, hps["learning_rate"], hps["weight_decay"], hps["momentum"]
    )
    x = torch.as_tensor(data.train.x, dtype=torch.float32)
    y = _encode_target(data.train.y, config)
    valid = data.validation
    xv = None if valid is None else torch.as_tensor(valid.x, dtype=torch.float32)
    yv = None if valid is None else _encode_target(valid.y, config)
    n, batch = len(y), hps["batch_size"]
    patience = hps["early_stopping_patience"]
    best_loss, best_epoch, best_weights, best_metrics = math.inf, -1, None, {}
    metrics: dict[str, float] = {}
    for epoch in range(hps["epochs"]):
        # One gather per epoch; the mini-batches are then views of the shuffled copy.
        order = torch.randperm(n, generator=generator)
        xs, ys = x[order], y[order]
        outputs_seen = []
        for start in range(0, n, batch):
            outputs, grads = engine.backward(xs[start : start + batch], ys[start : start + batch])
            optimizer.step(grads)
            outputs_seen.append(outputs)
        # The mean of the per-row losses over the epoch: what per-batch means weighted by
        # batch size give, computed once instead of once per step.
        epoch_loss = loss_value(torch.cat(outputs_seen), ys, data.task, loss)
        metrics = {"train:loss": float(epoch_loss)}
        if valid is not None:
            outputs = engine.forward(xv)
            metrics["validation:loss"] = float(loss_value(outputs, yv, data.task, loss))
            scores = outputs_to_scores(outputs.double().numpy(), config)
            values = point_metrics(data.task, valid.y, scores, 0.5)
            for canonical, name in _EPOCH_METRICS[data.task].items():
                metrics[f"validation:{name}"] = float(values[canonical][0])
        _report_epoch(epoch, metrics)
        config.epochs_trained = epoch + 1
        monitored = metrics.get("validation:loss", metrics["train:loss"])
        if monitored < best_loss:
            best_loss, best_epoch, best_metrics = monitored, epoch, metrics
            if hps["restore_best_weights"]:
                best_weights = [p.clone() for p in engine.params]
        elif valid is not None and patience and epoch - best_epoch >= patience:
            print(f"Early stopping after epoch {epoch}: no better validation loss for "
                  f"{patience} epochs (best epoch {best_epoch}).", file=sys.stderr)  # fmt: skip
            break
    if best_weights is not None:
        torch._foreach_copy_(engine.params, best_weights)
        config.best_epoch, final = best_epoch, best_metrics
    else:
        config.best_epoch, final = config.epochs_trained - 1, metrics
    return MLPModel(net, config, final)


def _report_epoch(epoch: int, metrics: dict[str, float]) -> None:
    parts = []
    for name, value in metrics.items():
        log_metric(name, value, step=epoch)
        parts.append(f"{name.replace(':', '-', 1)}:{value:.5f}")
    print(f"[{epoch}]\t" + "\t".join(parts), flush=False)
