"""``sagemaker_containers.beta.framework.env``: the training and serving environments."""

from sagemaker_containers._env import ServingEnv, TrainingEnv, training_env

__all__ = ["ServingEnv", "TrainingEnv", "training_env"]
