"""SageMaker's ``sagemaker.pytorch`` module shape."""

from sabio.pytorch.estimator import PyTorch

__all__ = ["PyTorch"]
