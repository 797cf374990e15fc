"""The backend protocol: where a supervisor process runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

__all__ = ["Backend", "Launched"]


class Launched(Protocol):
    """What a backend returns for a started supervisor."""

    @property
    def pid(self) -> int | None: ...


class Backend(Protocol):
    """Starts supervisor programs (``python -m <module> <job-dir>``) somewhere."""

    name: str

    def launch(
        self,
        module: str,
        job_dir: Path,
        env: dict[str, str],
        preload: Sequence[str] = (),
        keep_alive: float = 0.0,
    ) -> int | None:
        """Start the supervisor detached; return its local pid when it has one.

        ``preload`` names the built-in program modules the job runs, which a backend may
        import ahead of time in a warm process; it is only a hint. ``keep_alive`` asks the
        backend to keep that warm process for the next jobs for that many seconds after
        this one (a warm pool); also a hint.
        """
        ...
