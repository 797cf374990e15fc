"""The local backend: each supervisor is a detached subprocess of this machine."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

__all__ = ["LocalBackend"]


def _reap(pid: int) -> None:
    # Collect the exit status so a long-lived notebook does not gather zombies.
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


class LocalBackend:
    """Run supervisors as detached processes (their own session, no terminal).

    The supervisor survives the notebook or shell that started it, and its process
    group holds the job's programs, so they can be cleaned up together.
    """

    name = "local"

    def launch(self, module: str, job_dir: Path, env: dict[str, str]) -> int | None:
        """Start ``python -m module job_dir`` detached and return its pid."""
        log = str(job_dir / "supervisor.log")
        pid = os.posix_spawn(
            sys.executable,
            [sys.executable, "-m", module, str(job_dir)],
            env,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
                (os.POSIX_SPAWN_DUP2, 1, 2),
            ],
            setsid=True,
        )
        threading.Thread(target=_reap, args=(pid,), daemon=True, name=f"reap-{pid}").start()
        return pid
