"""The backend protocol: where a supervisor process runs, and what a backend can do."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sabio._config import Settings
    from sabio.supervision._instances import Resources
    from sabio.supervision._kind import JobKind
    from sabio.supervision._warm_pool import WarmHandoff

__all__ = ["Backend"]


class Backend(Protocol):
    """Runs supervisor programs (``python -m <kind.module> <job-dir>``) somewhere.

    Every capability is declared here. Warm pools are optional: a backend without them
    answers ``False``/``None`` from the ``*_warm`` methods, and jobs simply start cold.
    """

    name: str
    #: Whether :meth:`prepare_warm`, :meth:`lend_warm` and :meth:`adopt_warm` do anything.
    warm_pools: bool

    def check(self, settings: Settings) -> None:
        """Refuse, before a job is recorded, a workspace this backend cannot run jobs of
        (a cluster that does not answer, a catalog its machines cannot share).

        Raises:
            SabioError: why, and what to configure.
        """
        ...

    def launch(
        self,
        kind: JobKind,
        folder: Path,
        env: dict[str, str],
        *,
        preload: Sequence[str] = (),
        keep_alive: float = 0.0,
        handoff: WarmHandoff | None = None,
        resources: Resources | None = None,
    ) -> tuple[int, str] | None:
        """Start the supervisor of the job in ``folder`` detached; return its pid and the
        host it runs on, if known.

        ``preload`` names built-in program modules the job runs, which a warm pool may
        import ahead (a hint). ``keep_alive`` keeps the warm pool for this kind for that
        many seconds after this job (SageMaker's ``keep_alive_period_in_seconds``).
        ``handoff`` is passed on to the supervisor (a warm pool for the jobs it submits).
        ``resources`` is what the job's instance type asks for (a backend that places jobs
        on machines uses it; the local one admits sized jobs with CPU slots instead).

        Raises:
            OSError: the supervisor could not be started.
            SabioError: the backend refuses the job (its workspace or resources), with why.
        """
        ...

    def alive(self, kind: JobKind, pid: int, host: str | None) -> bool | None:
        """Whether the supervisor ``pid`` on ``host`` still runs; None when this backend
        cannot tell from here (the heartbeat then decides)."""
        ...

    def kill(self, kind: JobKind, pid: int, host: str | None) -> None:
        """Kill a supervisor and everything it started (a dead job's leftovers)."""
        ...

    def signal(self, kind: JobKind, pid: int, host: str | None, signum: int) -> None:
        """Send ``signum`` to a supervisor (no error when it is gone)."""
        ...

    def prepare_warm(
        self, kind: JobKind, env: dict[str, str], preload: Sequence[str], timeout: float
    ) -> bool:
        """Start this kind's warm pool now (importing ``preload``) for jobs about to be
        launched with ``env``; wait up to ``timeout`` s. Returns whether it is ready."""
        ...

    def lend_warm(
        self, kind: JobKind, env: dict[str, str], preload: Sequence[str], keep_alive: float
    ) -> WarmHandoff | None:
        """A warm pool for jobs of ``kind`` that another process (started with ``handoff``)
        will launch with ``env``; with ``keep_alive`` it comes back to this process after.

        Raises:
            OSError: it could not be started.
        """
        ...

    def adopt_warm(self, kind: JobKind, env: dict[str, str], argument: str) -> bool:
        """In the process a warm pool was lent to: use it for its jobs of ``kind``. False
        (and it is let go) when it does not match them."""
        ...
