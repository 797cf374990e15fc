"""``sagemaker_containers``: the container-side names SageMaker scripts import, on sabio.

SageMaker's retired ``sagemaker-containers`` library ran inside its framework containers.
Public training and inference scripts still import parts of it (``import
sagemaker_containers``, ``sagemaker_containers.training_env()``,
``from sagemaker_containers.beta.framework import content_types, encoders, env, worker``).
This package provides those names with the same behaviour, mapped onto the job folder and
``SM_*`` variables sabio gives every job (see ``sabio.runtime``). It covers:

- ``training_env()`` / ``env.TrainingEnv`` / ``env.ServingEnv``: the job's environment;
- ``content_types``: the MIME type constants;
- ``encoders``: ``encode``/``decode`` between NumPy arrays and CSV, JSON and NPY;
- ``worker.Response``: a response object ``output_fn`` may return (sabio's model server
  sends its body with its ``mimetype``);
- ``errors``: ``ClientError``, ``UnsupportedFormatError``;
- ``modules.import_module``, ``entry_point.run`` and ``transformer.Transformer``: the
  small helpers scripts call.

Not covered: the container's own model server and training entry (sabio runs them).
"""

from sagemaker_containers import content_types, encoders, errors, worker
from sagemaker_containers._env import ServingEnv, TrainingEnv, training_env

__all__ = [
    "ServingEnv",
    "TrainingEnv",
    "content_types",
    "encoders",
    "errors",
    "training_env",
    "worker",
]
