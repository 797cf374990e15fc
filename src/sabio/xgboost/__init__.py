"""SageMaker's ``sagemaker.xgboost`` module shape."""

from sabio.xgboost.estimator import XGBoost
from sabio.xgboost.model import XGBoostModel, XGBoostPredictor

__all__ = ["XGBoost", "XGBoostModel", "XGBoostPredictor"]
