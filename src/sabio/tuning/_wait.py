"""Waiting without polling: a wake-up pipe, files written in watched folders (inotify) and
the exits of watched processes (pidfds)."""

from __future__ import annotations

import ctypes
import os
import select
from collections.abc import Iterable
from pathlib import Path

from sabio.supervision._process import exit_watch

__all__ = ["FolderWatch", "TrialWatch", "Waker", "wait_for"]

_IN_CLOSE_WRITE = 0x00000008
_IN_MOVED_TO = 0x00000080


class Waker:
    """A self-pipe: :meth:`set` from any thread or a signal handler wakes :func:`wait_for`."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        for fd in (self._read, self._write):
            os.set_blocking(fd, False)

    def fileno(self) -> int:
        """The descriptor that is readable once :meth:`set` was called."""
        return self._read

    def set(self) -> None:
        """Wake the waiter (a full pipe is already a pending wake-up)."""
        try:
            os.write(self._write, b"!")
        except (BlockingIOError, OSError):
            pass

    def clear(self) -> None:
        """Consume pending wake-ups."""
        try:
            while os.read(self._read, 512):
                pass
        except (BlockingIOError, OSError):
            pass


def wait_for(waker: Waker, fds: Iterable[int], timeout: float) -> set[int]:
    """Block until ``waker`` is set, one of ``fds`` is readable or ``timeout`` seconds pass;
    return the readable ``fds`` (the waker is cleared)."""
    poller = select.poll()
    poller.register(waker.fileno(), select.POLLIN)
    for fd in fds:
        poller.register(fd, select.POLLIN)
    ready = {fd for fd, _ in poller.poll(max(timeout, 0.0) * 1000.0)}
    if waker.fileno() in ready:
        waker.clear()
        ready.discard(waker.fileno())
    return ready


class FolderWatch:
    """Readable when a file is written (closed after writing, or moved in) in a watched
    folder: Linux inotify, through the C library. Where that is unavailable,
    :meth:`fileno` is None and :meth:`add` does nothing (callers poll instead).
    """

    def __init__(self) -> None:
        self._fd: int | None = None
        self._libc: ctypes.CDLL | None = None
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = int(libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC))
        except (OSError, AttributeError):  # not Linux, or no inotify
            return
        if fd >= 0:
            self._fd, self._libc = fd, libc

    def fileno(self) -> int | None:
        """The descriptor to wait on, or None where folders cannot be watched."""
        return self._fd

    def add(self, folder: Path) -> int | None:
        """Watch ``folder``; returns the watch (None when it cannot be watched)."""
        if self._fd is None or self._libc is None:
            return None
        mask = _IN_CLOSE_WRITE | _IN_MOVED_TO
        watch = int(self._libc.inotify_add_watch(self._fd, os.fsencode(folder), mask))
        return watch if watch >= 0 else None

    def remove(self, watch: int | None) -> None:
        """Stop watching (the folder's events already queued are drained later)."""
        if watch is not None and self._fd is not None and self._libc is not None:
            self._libc.inotify_rm_watch(self._fd, watch)

    def drain(self) -> None:
        """Consume the queued events (the caller looks at the files themselves)."""
        if self._fd is None:
            return
        try:
            while os.read(self._fd, 65536):
                pass
        except (BlockingIOError, OSError):
            pass

    def close(self) -> None:
        """Release the descriptor."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class TrialWatch:
    """What wakes a tuning job's loop: a stop request (:meth:`wake`), a file written in a
    running trial's folder (its ``done`` marker) and a trial's supervisor exiting."""

    def __init__(self) -> None:
        self._waker = Waker()
        self._folders = FolderWatch()
        self._folder: dict[str, int | None] = {}
        self._exit: dict[str, int] = {}

    def wake(self) -> None:
        """Wake :meth:`wait` (any thread, or a signal handler)."""
        self._waker.set()

    def add(self, job: str, folder: Path, pid: int | None) -> None:
        """Watch a trial: its job folder and, when known, its supervisor's pid."""
        self._folder[job] = self._folders.add(folder)
        fd = exit_watch(pid) if pid is not None else None
        if fd is not None:
            self._exit[job] = fd

    def remove(self, job: str) -> None:
        """Stop watching a trial."""
        self._folders.remove(self._folder.pop(job, None))
        fd = self._exit.pop(job, None)
        if fd is not None:
            os.close(fd)

    def blind(self, jobs: Iterable[str]) -> bool:
        """Whether any of ``jobs`` has neither watch: its ``done`` marker must be polled."""
        return any(self._folder.get(j) is None and j not in self._exit for j in jobs)

    def wait(self, timeout: float) -> set[str]:
        """Sleep until something happens or ``timeout`` seconds pass; return the trials whose
        supervisor exited (each reported once: its exit is no longer watched)."""
        folders = self._folders.fileno()
        watched = list(self._exit.values())
        ready = wait_for(self._waker, watched if folders is None else [*watched, folders], timeout)
        if folders is not None and folders in ready:
            self._folders.drain()  # the caller looks at the trials' markers itself
        exited = {job for job, fd in self._exit.items() if fd in ready}
        for job in exited:
            os.close(self._exit.pop(job))
        return exited

    def close(self) -> None:
        """Release every descriptor."""
        for job in list(self._exit):
            self.remove(job)
        self._folders.close()
