"""SageMaker's ``sagemaker.tensorflow`` module shape."""

from sabio.tensorflow.estimator import TensorFlow
from sabio.tensorflow.model import TensorFlowModel, TensorFlowPredictor

__all__ = ["TensorFlow", "TensorFlowModel", "TensorFlowPredictor"]
