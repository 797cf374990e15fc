"""``sagemaker_containers.beta.framework``: what framework scripts import from the containers.

Example:
    >>> from sagemaker_containers.beta.framework import content_types, encoders, worker
    >>> body = encoders.encode([[1, 2]], content_types.CSV)
    >>> worker.Response(body, mimetype="text/csv").get_data()
    b'1,2\\n'
"""

from sagemaker_containers import (
    content_types,
    encoders,
    entry_point,
    env,
    errors,
    modules,
    transformer,
    worker,
)
from sagemaker_containers._env import training_env

__all__ = [
    "content_types",
    "encoders",
    "entry_point",
    "env",
    "errors",
    "modules",
    "training_env",
    "transformer",
    "worker",
]
