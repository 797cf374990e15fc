"""Machine-wide CPU slots, held as ``flock`` locks so a dead job frees them at once.

A job that needs *k* slots first takes the queue lock (blocking, so waiters are served
roughly in order and a big job is not starved by small ones), then collects *k* free
slot locks, then lets the next waiter in. The kernel drops every lock of a process
that dies, so a killed supervisor can never leak slots.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

__all__ = ["SlotReservation"]


class SlotReservation:
    """Hold ``count`` of ``total`` CPU slots until released (a context manager)."""

    def __init__(self, locks_dir: Path, count: int, total: int) -> None:
        self.locks_dir = locks_dir
        self.count = min(count, total)
        self.total = total
        self._held: list[int] = []

    def acquire(
        self,
        on_wait: Callable[[], None] | None = None,
        should_abort: Callable[[], bool] | None = None,
        poll_seconds: float = 0.05,
    ) -> bool:
        """Block until the slots are held; returns False when ``should_abort`` said so."""
        if self.count <= 0:
            return True
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        queue_fd = os.open(self.locks_dir / "queue.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(queue_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if should_abort is not None and should_abort():
                        return False
                    time.sleep(poll_seconds)
            waited = False
            while not self._try_collect():
                if not waited and on_wait is not None:
                    on_wait()
                waited = True
                if should_abort is not None and should_abort():
                    return False
                time.sleep(poll_seconds)
            return True
        finally:
            fcntl.flock(queue_fd, fcntl.LOCK_UN)
            os.close(queue_fd)

    def _try_collect(self) -> bool:
        for index in range(self.total):
            if len(self._held) == self.count:
                break
            fd = os.open(self.locks_dir / f"cpu-{index}.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self._held.append(fd)
        if len(self._held) == self.count:
            return True
        self.release()
        return False

    def release(self) -> None:
        """Give the slots back."""
        for fd in self._held:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        self._held.clear()

    def __enter__(self) -> SlotReservation:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
