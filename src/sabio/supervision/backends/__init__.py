"""Backends decide where a job's supervisor runs: ``local`` (default) or ``ray`` (a cluster).

Each implements :class:`sabio.supervision.Backend`; one instance per backend name lives in
each process (it holds that process's warm pools).
"""

from __future__ import annotations

import threading

from sabio.supervision._backend import Backend
from sabio.supervision._warm_pool import WarmHandoff
from sabio.supervision.backends.local import LocalBackend
from sabio.supervision.backends.ray import RayBackend

__all__ = ["Backend", "LocalBackend", "RayBackend", "WarmHandoff", "backend_for"]

_instances: dict[str, Backend] = {}
_lock = threading.Lock()


def backend_for(name: str) -> Backend:
    """This process's backend called ``name``.

    Raises:
        ConfigError: no backend has this name.
    """
    with _lock:
        backend = _instances.get(name)
        if backend is None:
            if name == "local":
                backend = LocalBackend()
            elif name == "ray":
                backend = RayBackend()
            else:
                from sabio.exceptions import ConfigError

                raise ConfigError(
                    f"Unknown backend {name!r}: use 'local' (this machine) or 'ray' "
                    "(a Ray cluster), e.g. SABIO_BACKEND=local."
                )
            _instances[name] = backend
        return backend
