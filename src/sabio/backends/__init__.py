"""Backends decide where a job's supervisor runs: ``local`` (default) or ``ray``."""

from sabio.backends._base import Backend
from sabio.backends.local import LocalBackend

__all__ = ["Backend", "LocalBackend", "backend_for"]


def backend_for(name: str) -> Backend:
    """Return the backend with this name (``local``; ``ray`` arrives with its issue)."""
    if name == "local":
        return LocalBackend()
    from sabio.exceptions import ConfigError

    raise ConfigError(
        f"Backend {name!r} is not available in this version; use backend='local' "
        "(SABIO_BACKEND=local)."
    )
