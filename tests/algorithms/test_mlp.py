"""The MLP built-in: per-epoch metrics, determinism, safetensors model, the lean engine."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable

import numpy as np
import pytest

from sabio.algorithms.mlp import inference
from sabio.algorithms.mlp._engine import Engine, loss_value
from sabio.algorithms.mlp._network import NetConfig, build

from ._jobs import Job
from .conftest import iris

Trained = Callable[[str], Job]


def test_mlp_regression_logs_per_epoch_metrics(trained: Trained) -> None:
    job = trained("mlp_regression")
    records = job.metrics()
    names = {r["name"] for r in records}
    assert {"train:loss", "validation:loss", "validation:rmse", "validation:r2"} <= names
    epochs = [r["step"] for r in records if r["name"] == "train:loss"]
    assert epochs == list(range(len(epochs)))
    assert "\tvalidation-rmse:" in job.stdout


def test_mlp_regression_model_files_are_safe_formats(trained: Trained) -> None:
    from safetensors.torch import load_file

    job = trained("mlp_regression")
    weights = load_file(str(job.model_dir / "model.safetensors"))
    assert weights["0.weight"].shape == (16, 10)
    config = json.loads((job.model_dir / "mlp-config.json").read_text())
    assert config["target"]["kind"] == "standardize"
    evaluation = job.evaluation()
    assert evaluation["regression_metrics"]["r2"]["value"] > 0.2


def test_mlp_same_seed_and_data_give_same_model(trained: Trained) -> None:
    first, second = trained("mlp_iris_a"), trained("mlp_iris_b")
    a = (first.model_dir / "model.safetensors").read_bytes()
    assert a == (second.model_dir / "model.safetensors").read_bytes()
    assert first.metrics()[-1]["value"] == second.metrics()[-1]["value"]


def test_mlp_multiclass_uses_validation_split(trained: Trained) -> None:
    job = trained("mlp_iris_a")
    evaluation = job.evaluation()
    assert evaluation["dataset"] == "validation split"
    assert evaluation["n_rows"] == 24  # 20% of 120 training rows, stratified
    assert {"validation:accuracy", "validation:auc", "validation:f1"} <= job.metric_names()


def test_mlp_inference_multiclass_probabilities(trained: Trained) -> None:
    model = inference.model_fn(str(trained("mlp_iris_a").model_dir))
    rows = iris().iloc[[0, 50, 100], 1:]
    body = "\n".join(json.dumps(r) for r in rows.to_dict(orient="records"))
    prediction = inference.predict_fn(inference.input_fn(body, "application/jsonlines"), model)
    np.testing.assert_allclose(prediction.scores.sum(axis=1), 1.0, rtol=1e-6)
    csv, _ = inference.output_fn(prediction, "text/csv")
    assert [len(line.split(",")) for line in str(csv).splitlines()] == [3, 3, 3]
    answer = json.loads(inference.output_fn(prediction, "application/json")[0])
    assert answer["labels"] == ["setosa", "versicolor", "virginica"]


ACTIVATIONS = ["relu", "tanh", "sigmoid", "elu", "leaky_relu", "gelu", "linear"]
TASKS = [
    ("regressor", "mse"),
    ("regressor", "mae"),
    ("regressor", "huber"),
    ("binary_classifier", "auto"),
    ("multiclass_classifier", "auto"),
]


@pytest.mark.parametrize(("activation", "task_loss"), list(itertools.product(ACTIVATIONS, TASKS)))
def test_mlp_engine_gradients_match_autograd(activation: str, task_loss: tuple[str, str]) -> None:
    import torch

    task, loss = task_loss
    torch.manual_seed(0)
    k = 3 if task == "multiclass_classifier" else 1
    net = build(NetConfig(5, [7, 6], activation, 0.0, task, k)).double()
    x = torch.randn(16, 5, dtype=torch.float64)
    if task == "regressor":
        y = torch.randn(16, 1, dtype=torch.float64) * 3
    elif k == 1:
        y = (torch.rand(16, 1) > 0.5).double()
    else:
        y = torch.eye(3, dtype=torch.float64)[torch.randint(0, 3, (16,))]
    layers = [(m.weight.detach(), m.bias.detach()) for m in net if hasattr(m, "weight")]
    value, grads = Engine(layers, activation, 0.0, task, loss, None).gradients(x, y)
    expected = loss_value(net(x), y, task, loss)
    reference = torch.autograd.grad(expected, list(net.parameters()))
    assert abs(float(value) - float(expected.detach())) < 1e-10
    for got, want in zip(grads, reference, strict=True):
        torch.testing.assert_close(got, want, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(
    ("kind", "fused"), [("adam", True), ("adam", False), ("sgd", False), ("rmsprop", False)]
)
def test_mlp_optimizer_matches_torch_optim(kind: str, fused: bool) -> None:
    import torch

    from sabio.algorithms.mlp._engine import Optimizer

    torch.manual_seed(0)
    ours = [torch.randn(4, 3), torch.randn(3)]
    theirs = [p.clone().requires_grad_(True) for p in ours]
    reference = {
        "adam": lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1),
        "sgd": lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9, weight_decay=0.1),
        "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=0.01, weight_decay=0.1),
    }[kind](theirs)
    optimizer = Optimizer(kind, ours, lr=0.01, weight_decay=0.1, momentum=0.9)
    optimizer.fused = fused
    for _ in range(5):
        grads = [torch.randn_like(p) for p in ours]
        optimizer.step(grads)
        for param, grad in zip(theirs, grads, strict=True):
            param.grad = grad.clone()
        reference.step()
    for got, want in zip(ours, theirs, strict=True):
        torch.testing.assert_close(got, want.detach())
