"""Backends decide where a job's supervisor runs: ``local`` (default) or ``ray``."""

from __future__ import annotations

from sabio._config import Settings, environ, settings_to_env
from sabio.backends._base import Backend
from sabio.backends.local import LocalBackend, StandbyHandoff

__all__ = [
    "TRAINING_SUPERVISOR",
    "Backend",
    "LocalBackend",
    "StandbyHandoff",
    "backend_for",
    "start_standby",
]

#: The training job supervisor's module (``python -m`` it); its ``--standby`` mode is the
#: warm process the local backend forks supervisors from.
TRAINING_SUPERVISOR = "sabio.training._supervisor"


def backend_for(name: str) -> Backend:
    """Return the backend with this name (``local``; ``ray`` arrives with its issue)."""
    if name == "local":
        return LocalBackend()
    from sabio.exceptions import ConfigError

    raise ConfigError(
        f"Backend {name!r} is not available in this version; use backend='local' "
        "(SABIO_BACKEND=local)."
    )


def start_standby(
    settings: Settings, builtin_module: str, keep_alive: float = 0.0
) -> StandbyHandoff | None:
    """Start warming a standby for training jobs of ``builtin_module`` that a process this
    one is about to start will submit (a tuning job's supervisor); None when the backend
    keeps no standby.

    With ``keep_alive`` seconds (``keep_alive_period_in_seconds``) this process keeps the
    standby as a warm pool once that process is done with it: its next job or tuning job
    of this built-in within that period reuses it (a warm one is lent rather than a new
    one started) and skips the framework's import.

    This module imports nothing heavy, so a caller can start the standby before its own
    imports. The standby imports the built-in meanwhile. Pass :attr:`StandbyHandoff.fds`
    to that process as its descriptors 3 and 4 and :meth:`StandbyHandoff.argument` on its
    command line, then :meth:`~StandbyHandoff.release` the handoff (or
    :meth:`~StandbyHandoff.discard` it when that process is not started); the process calls
    ``sabio.training.adopt_standby``. It must run with
    ``{**environ(), **settings_to_env(settings)}``, the environment jobs are launched with.

    Raises:
        OSError: the standby could not be started.
    """
    start = getattr(backend_for(settings.backend), "start_standby", None)
    if start is None:
        return None
    env = {**environ(), **settings_to_env(settings)}
    handoff: StandbyHandoff = start(TRAINING_SUPERVISOR, env, (builtin_module,), keep_alive)
    return handoff
