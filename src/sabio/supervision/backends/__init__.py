"""Backends decide where a job's supervisor runs: ``local`` (default) or ``ray`` (a cluster).

Each implements :class:`sabio.supervision.Backend`; one instance per backend name lives in
each process (it holds that process's warm pools). :func:`backend_for` is the one place that
knows which backends exist and whether they can run here: every submission, the session
and the settings ask it, so adding a backend is one change here.
"""

from __future__ import annotations

import threading

from sabio.exceptions import ConfigError, did_you_mean
from sabio.supervision._backend import Backend
from sabio.supervision._warm_pool import WarmHandoff
from sabio.supervision.backends.local import LocalBackend
from sabio.supervision.backends.ray import RayBackend

__all__ = ["BACKENDS", "Backend", "LocalBackend", "RayBackend", "WarmHandoff", "backend_for"]

#: Every backend name sabio knows, whether or not it can run in this installation.
BACKENDS = ("local", "ray")

_instances: dict[str, Backend] = {}
_lock = threading.Lock()


def backend_for(name: str) -> Backend:
    """This process's backend called ``name``.

    Raises:
        ConfigError: no backend has this name, or it cannot run here (the message names the
            backends that can and how to install the missing one).
    """
    with _lock:
        backend = _instances.get(name)
        if backend is None:
            if name == "local":
                backend = LocalBackend()
            elif name == "ray" and _ray_installed():
                backend = RayBackend()
            else:
                raise ConfigError(_unavailable(name))
            _instances[name] = backend
        return backend


def _ray_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("ray") is not None


def _unavailable(name: str) -> str:
    where = "Session(backend=...), SABIO_BACKEND or 'backend' in config.toml"
    if name == "ray":
        return (
            "Backend 'ray' needs the ray extra, which is not installed: "
            "pip install 'sabio[ray]'. Until then use backend='local' (the default; set "
            f"in {where})."
        )
    return (
        f"Unknown backend {name!r}.{did_you_mean(name, BACKENDS)} Valid backends: "
        f"{', '.join(BACKENDS)} ('ray' needs pip install 'sabio[ray]'). Set it in {where}."
    )
