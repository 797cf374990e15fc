"""The local backend: each supervisor is a detached process of this machine.

Supervisors run in their own session, so they survive the notebook or shell that started
them, and their process group holds the job's programs, so they are cleaned up together.
Jobs start from this backend's warm pool when it has a ready standby for their kind and
environment (``sabio.supervision._warm_pool``).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from pathlib import Path

from sabio._config import Settings
from sabio.supervision._instances import Resources
from sabio.supervision._kind import JobKind
from sabio.supervision._process import kill_process_group, process_alive
from sabio.supervision._warm_pool import WarmHandoff, WarmPool

__all__ = ["LocalBackend"]


def _here(host: str | None) -> bool:
    return host in (None, socket.gethostname())


class LocalBackend:
    """Run supervisors as detached subprocesses of this machine, with warm pools."""

    name = "local"
    warm_pools = True

    def __init__(self) -> None:
        self.pool = WarmPool()

    def check(self, settings: Settings) -> None:
        pass  # this machine runs any workspace

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
    ) -> tuple[int, str]:
        if handoff is None:
            pid = self.pool.launch(kind, folder, env, preload, keep_alive)
        else:
            args = ["--warm-pool", handoff.argument()]
            pid = self.pool.launch(kind, folder, env, preload, keep_alive, handoff.fds, args)
            handoff.release(pid)
        return pid, socket.gethostname()

    def alive(self, kind: JobKind, pid: int, host: str | None) -> bool | None:
        return process_alive(pid, kind.module) if _here(host) else None

    def kill(self, kind: JobKind, pid: int, host: str | None) -> None:
        if _here(host):
            kill_process_group(pid)

    def signal(self, kind: JobKind, pid: int, host: str | None, signum: int) -> None:
        if _here(host):
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    def prepare_warm(
        self, kind: JobKind, env: dict[str, str], preload: Sequence[str], timeout: float
    ) -> bool:
        return self.pool.prepare(kind, env, preload, timeout)

    def lend_warm(
        self, kind: JobKind, env: dict[str, str], preload: Sequence[str], keep_alive: float
    ) -> WarmHandoff | None:
        return self.pool.lend(kind, env, preload, keep_alive)

    def adopt_warm(self, kind: JobKind, env: dict[str, str], argument: str) -> bool:
        return self.pool.adopt(kind, env, argument)
