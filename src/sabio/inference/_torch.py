"""The PyTorch defaults of SageMaker's PyTorch inference toolkit, for models that bring no
``input_fn``/``predict_fn``/``output_fn`` of their own.

SageMaker's toolkit decodes a request to NumPy and then to a tensor on the model's device
(``torch.FloatTensor`` for CSV and JSON bodies), calls ``model(tensor)`` in ``eval`` mode under
``torch.no_grad()``, and turns a tensor prediction back into a list before encoding it. torch is
imported only when the model is a ``torch.nn.Module`` (it is loaded already then).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["from_tensor", "is_torch_module", "to_tensor", "torch_predict"]


def is_torch_module(model: Any) -> bool:
    """Whether ``model`` is a ``torch.nn.Module`` (without importing torch)."""
    return any(
        cls.__name__ == "Module" and cls.__module__.startswith("torch.nn")
        for cls in type(model).__mro__
    )


def _device(model: Any) -> Any:
    import torch

    # SageMaker's toolkit: the GPU when there is one, else the CPU.
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if getattr(model, "_sabio_device", None) != device:
        model.to(device)
        model._sabio_device = device
    return device


def to_tensor(data: Any, model: Any) -> Any:
    """A decoded request as a tensor on ``model``'s device: floats as ``float32`` (the
    toolkit's ``FloatTensor``), other numbers as they are; anything else unchanged."""
    import torch

    if isinstance(data, torch.Tensor):
        return data.to(_device(model))
    if isinstance(data, list):
        data = np.asarray(data)
    if not isinstance(data, np.ndarray) or data.dtype.kind not in "fiub":
        return data
    tensor = torch.from_numpy(np.ascontiguousarray(data))
    if tensor.is_floating_point():
        tensor = tensor.float()
    return tensor.to(_device(model))


def torch_predict(model: Any, data: Any) -> Any:
    """``model(tensor)`` in eval mode, without gradients (the toolkit's ``default_predict_fn``)."""
    import torch

    tensor = to_tensor(data, model)
    model.eval()
    with torch.no_grad():
        return model(tensor)


def from_tensor(prediction: Any) -> Any:
    """A tensor (or a tuple/list of them) as NumPy, for the default encoders."""
    kind = type(prediction)
    if kind.__module__.startswith("torch") and kind.__name__ == "Tensor":
        return prediction.detach().cpu().numpy()
    if isinstance(prediction, tuple | list) and any(
        type(p).__name__ == "Tensor" for p in prediction
    ):
        return [from_tensor(p) for p in prediction]
    return prediction
