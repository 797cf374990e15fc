"""PyTorch models without their own handlers behave as under SageMaker's PyTorch inference
toolkit: the decoded request reaches the model as a float32 tensor (eval mode, no gradients)
and a tensor prediction is encoded as a list."""

from __future__ import annotations

import json
import textwrap
import warnings
from pathlib import Path

import pytest

from sabio.inference import load_handlers

torch = pytest.importorskip("torch")

# An inference.py as SageMaker's PyTorch docs show it: only model_fn.
INFERENCE = """
import os
import torch


class Doubler(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(3, 1, bias=False)
        self.dropout = torch.nn.Dropout(p=0.9)  # eval mode must switch it off

    def forward(self, x):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"expected a tensor, got {type(x).__name__}")
        assert x.dtype == torch.float32 and not torch.is_grad_enabled()
        return self.dropout(self.linear(x))


def model_fn(model_dir):
    model = Doubler()
    model.load_state_dict(torch.load(os.path.join(model_dir, "model.pt"), weights_only=True))
    return model
"""


def _model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    (folder / "code").mkdir(parents=True)
    (folder / "code" / "inference.py").write_text(textwrap.dedent(INFERENCE))
    torch.save({"linear.weight": torch.tensor([[2.0, 2.0, 2.0]])}, folder / "model.pt")
    return folder


def test_default_handlers_give_the_model_a_tensor(tmp_path: Path) -> None:
    handlers = load_handlers(_model_dir(tmp_path))
    model = handlers.load_model()
    body, kind, _ = handlers.invoke(
        model, b"[[1, 2, 3], [0.5, 0.5, 0.5]]", "application/json", "*/*"
    )
    assert kind == "application/json"
    assert json.loads(body) == [[12.0], [3.0]]
    body, kind, _ = handlers.invoke(model, b"1,1,1\n", "text/csv", "text/csv")
    assert (body, kind) == (b"6.0", "text/csv")


def test_torchscript_model_pth_loads_without_model_fn(tmp_path: Path) -> None:
    folder = tmp_path / "scripted"
    folder.mkdir()
    linear = torch.nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[1.0, -1.0]]))
        linear.bias.fill_(0.5)
    handlers = load_handlers(folder)
    with warnings.catch_warnings():  # TorchScript is deprecated in torch 2.13; still loadable
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.script(linear).save(str(folder / "model.pth"))
        model = handlers.load_model()
    body, _, _ = handlers.invoke(model, b"[[3.0, 1.0]]", "application/json", "application/json")
    assert json.loads(body) == [[2.5]]
