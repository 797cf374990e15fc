"""``sagemaker_xgboost_container.distributed``: Rabit helpers, for one host.

sabio runs XGBoost scripts on this machine; with one host (``instance_count=1``) these run
the training function directly, as the container does for a single host.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["rabit_run", "wait_hostname_resolution"]


def wait_hostname_resolution(sm_hosts: Sequence[str] | None = None) -> None:
    """Nothing to wait for: every host of a sabio job is this machine."""


def rabit_run(
    exec_fun: Callable[..., Any],
    args: dict[str, Any],
    include_in_training: bool,
    hosts: Sequence[str],
    current_host: str,
    first_port: int | None = None,
    second_port: int | None = None,
    max_connect_attempts: int | None = None,
    connect_retry_timeout: int = 3,
    update_rabit_args: bool = False,
) -> Any:
    """Run ``exec_fun(**args)`` (with ``is_master=True`` when ``update_rabit_args``).

    Raises:
        NotImplementedError: more than one host (distributed XGBoost needs the cluster
            backend; train with ``instance_count=1``).
    """
    if len(hosts) > 1:
        raise NotImplementedError(
            f"rabit_run over {len(hosts)} hosts is not supported by sabio's stand-in for "
            "the XGBoost container: train with instance_count=1 (XGBoost uses every core "
            "of this machine), or use the xgboost built-in."
        )
    if not include_in_training:
        return None
    if update_rabit_args:
        args = {**args, "is_master": True}
    return exec_fun(**args)
