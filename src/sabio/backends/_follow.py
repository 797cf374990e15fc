"""Following a detached job from its folder: stream ``logs.txt`` until ``done`` appears.

Training and transform jobs write their log and, at the very end, a ``done`` marker into
their folder; their supervisors run detached, so the caller follows the folder and, about
once a second, asks the catalog whether the job ended without a marker (a supervisor that
died).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from sabio.exceptions import TimeoutError_

__all__ = ["follow_folder", "signal_stop"]


def follow_folder(
    folder: Path,
    write: Callable[[str], None] | None,
    *,
    ended: Callable[[], bool],
    timeout: float | None,
    timeout_message: str,
    poll_seconds: float = 0.02,
) -> None:
    """Write each new line of ``folder/logs.txt`` to ``write`` until ``folder/done`` exists
    or ``ended()`` (checked about once a second) says the job ended without it.

    Raises:
        TimeoutError_: ``timeout`` seconds passed first (``timeout_message`` says what to do).
    """
    log_path, done = folder / "logs.txt", folder / "done"
    deadline = None if timeout is None else time.monotonic() + timeout
    offset, pending, last_check = 0, b"", time.monotonic()
    while True:
        finished = done.exists()
        if write is not None and log_path.exists():
            with log_path.open("rb") as fh:
                fh.seek(offset)
                chunk = fh.read()
            offset += len(chunk)
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                write(line.decode("utf-8", errors="replace"))
        if finished:
            if write is not None and pending:
                write(pending.decode("utf-8", errors="replace"))
            return
        now = time.monotonic()
        if now - last_check > 1.0:
            last_check = now
            if ended() and not done.exists():
                return
        if deadline is not None and now > deadline:
            raise TimeoutError_(timeout_message)
        time.sleep(poll_seconds)


def signal_stop(pid: int | None, heartbeat_at: float | None) -> None:
    """Send SIGUSR1 (stop) to a job's supervisor, but only once it has installed its handler:
    a supervisor records ``heartbeat_at`` after doing so and then reads the stop flag once,
    so an earlier one finds the flag itself."""
    if pid is None or heartbeat_at is None:
        return
    try:
        os.kill(pid, signal.SIGUSR1)
    except ProcessLookupError:
        pass
