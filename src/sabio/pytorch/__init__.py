"""SageMaker's ``sagemaker.pytorch`` module shape."""

from sabio.pytorch.estimator import PyTorch
from sabio.pytorch.model import PyTorchModel, PyTorchPredictor

__all__ = ["PyTorch", "PyTorchModel", "PyTorchPredictor"]
