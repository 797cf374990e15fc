"""The local backend: each supervisor is a detached subprocess of this machine.

A supervisor spends most of its start-up importing the catalog's database layer. When
a process submits jobs repeatedly (a notebook, a tuning loop), the backend keeps one
*standby* supervisor that has already done its imports and waits on a pipe for a job
folder; the next job is handed to it, and a new standby is started for the one after.
A standby whose submitter exits reads end-of-file and quits, so nothing lingers.

A standby also pre-imports the built-in programs named by the jobs that asked for it
(``preload``), so their supervisors can fork the program instead of starting Python (see
``sabio.training._warm``). It announces ``ready`` once warm; until then jobs start cold
rather than wait for its imports. A job naming a built-in the standby has not warmed still
uses it, and a new standby warming both replaces it for the jobs after.

A process about to start another process that will submit the jobs (a tuning job's
supervisor) can start that process's standby first (:meth:`LocalBackend.start_standby`), so it
warms up while the other process is still starting; the other process gets the standby's
pipes as inherited descriptors and adopts it (:meth:`LocalBackend.adopt`).
"""

from __future__ import annotations

import hashlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sabio.backends._process import reap_in_background, spawn_detached

__all__ = ["LocalBackend", "StandbyHandoff"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class _Standby:
    """A warm supervisor that forks one supervisor per job folder written to its pipe."""

    def __init__(self, pid: int, write_fd: int, reply_fd: int, preload: frozenset[str]) -> None:
        self.pid = pid
        self.write_fd = write_fd
        self.reply_fd = reply_fd
        self.preload = preload
        self.ready = False
        self._pending = b""

    def _read_line(self, timeout: float | None) -> bytes | None:
        """The next reply line, or None at end-of-file or when none came within ``timeout``."""
        while b"\n" not in self._pending:
            if timeout is not None and not select.select([self.reply_fd], [], [], timeout)[0]:
                return None
            chunk = os.read(self.reply_fd, 64)
            if not chunk:
                return None
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line

    def is_ready(self) -> bool:
        """Whether the standby finished warming up (never blocks)."""
        if not self.ready:
            try:
                self.ready = self._read_line(timeout=0.0) == b"ready"
            except OSError:
                return False
        return self.ready

    def wait_ready(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the standby to finish warming up."""
        deadline = time.monotonic() + timeout
        while not self.ready:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                line = self._read_line(timeout=left)
            except OSError:
                return False
            if line is None:
                return False
            self.ready = line == b"ready"
        return True

    def hand_over(self, job_dir: Path) -> int | None:
        """Send a job folder; return the pid of the supervisor forked for it."""
        try:
            os.write(self.write_fd, f"{job_dir}\n".encode())
            line = self._read_line(timeout=None)
            return None if line is None else int(line)
        except (OSError, ValueError):
            return None

    def dismiss(self) -> None:
        os.close(self.write_fd)  # the standby reads EOF and exits
        os.close(self.reply_fd)


@dataclass
class StandbyHandoff:
    """A standby started by this process for a process it is about to start.

    Pass :attr:`fds` to that process (as its descriptors 3 and 4) and :meth:`argument` on its
    command line, then call :meth:`release`; the other process calls
    :meth:`LocalBackend.adopt`. Until then :meth:`discard` stops the standby.
    """

    pid: int
    request_fd: int
    reply_fd: int
    preload: frozenset[str]
    digest: str
    released: bool = False

    @property
    def fds(self) -> tuple[int, int]:
        """The standby's request (write end) and reply (read end) descriptors."""
        return (self.request_fd, self.reply_fd)

    def argument(self) -> str:
        """What the receiving process passes to :meth:`LocalBackend.adopt`."""
        return f"{self.pid}:{self.digest}:{','.join(sorted(self.preload))}"

    def release(self) -> None:
        """The receiving process has its own copies: close this process's ends."""
        if not self.released:
            self.released = True
            for fd in self.fds:
                os.close(fd)

    def discard(self) -> None:
        """Stop the standby unless it was released (the receiving process never started)."""
        if self.released:
            return
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.release()


def _key(module: str, env: dict[str, str]) -> str:
    return "\0".join(f"{k}={v}" for k, v in sorted(env.items())) + module


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class LocalBackend:
    """Run supervisors as detached processes (their own session, no terminal).

    The supervisor survives the notebook or shell that started it, and its process
    group holds the job's programs, so they can be cleaned up together.
    """

    name = "local"
    _lock = threading.Lock()
    _standby: ClassVar[tuple[str, _Standby] | None] = None
    _seen: ClassVar[set[str]] = set()

    def launch(
        self, module: str, job_dir: Path, env: dict[str, str], preload: Sequence[str] = ()
    ) -> int | None:
        """Start ``python -m module job_dir`` detached and return its pid.

        ``preload`` names built-in programs the job runs; the standby imports them ahead.
        """
        key = _key(module, env)
        with LocalBackend._lock:
            standby = LocalBackend._current(key)
            pid = None
            if standby is not None and _alive(standby.pid) and standby.is_ready():
                pid = standby.hand_over(job_dir)
                if pid is None:
                    standby.dismiss()
                    LocalBackend._standby = None
            if pid is None:
                pid = spawn_detached(module, [str(job_dir)], env, job_dir / "supervisor.log")
            standby = LocalBackend._current(key)
            wanted = frozenset(preload) | (standby.preload if standby else frozenset())
            if standby is not None and not wanted <= standby.preload:
                standby.dismiss()  # replaced by one that also warms this job's built-in
                LocalBackend._standby = standby = None
            if key in LocalBackend._seen and standby is None:
                LocalBackend._standby = (key, _spawn_standby(module, env, wanted))
            LocalBackend._seen.add(key)
        return pid

    def prepare(
        self, module: str, env: dict[str, str], preload: Sequence[str], timeout: float
    ) -> bool:
        """Start a standby warming ``preload`` now, for a caller about to submit many jobs
        with this ``env``; wait up to ``timeout`` seconds for it. Returns whether it is ready.
        """
        key = _key(module, env)
        with LocalBackend._lock:
            standby = LocalBackend._current(key)
            wanted = frozenset(preload) | (standby.preload if standby else frozenset())
            if standby is not None and (not wanted <= standby.preload or not _alive(standby.pid)):
                standby.dismiss()
                LocalBackend._standby = standby = None
            if standby is None:
                standby = _spawn_standby(module, env, wanted)
                LocalBackend._standby = (key, standby)
            LocalBackend._seen.add(key)
            return standby.wait_ready(timeout)

    def start_standby(
        self, module: str, env: dict[str, str], preload: Sequence[str]
    ) -> StandbyHandoff:
        """Start a standby warming ``preload`` for another process, which will submit jobs
        with this ``env`` (see :class:`StandbyHandoff`); this process does not use it.

        Raises:
            OSError: the standby could not be started.
        """
        standby = _spawn_standby(module, env, frozenset(preload))
        return StandbyHandoff(
            standby.pid,
            standby.write_fd,
            standby.reply_fd,
            standby.preload,
            _digest(_key(module, env)),
        )

    def adopt(self, module: str, env: dict[str, str], argument: str, fds: tuple[int, int]) -> bool:
        """Take over a standby a parent process started for this one (:meth:`start_standby`).

        ``fds`` are this process's copies of its request and reply descriptors, ``argument``
        what :meth:`StandbyHandoff.argument` gave. The standby is used for the jobs submitted
        with ``env``; when it was started for another environment (or the argument is
        malformed) it is let go instead (it exits) and False is returned.
        """
        for fd in fds:
            os.set_inheritable(fd, False)  # the jobs this process starts must not hold it
        try:
            pid_text, digest, modules = argument.split(":", 2)
            pid = int(pid_text)
        except ValueError:
            pid, digest, modules = 0, "", ""
        key = _key(module, env)
        if pid <= 0 or digest != _digest(key):
            for fd in fds:
                os.close(fd)
            return False
        preload = frozenset(m for m in modules.split(",") if m)
        with LocalBackend._lock:
            if LocalBackend._standby is not None:
                LocalBackend._standby[1].dismiss()
            LocalBackend._standby = (key, _Standby(pid, fds[0], fds[1], preload))
            LocalBackend._seen.add(key)
        return True

    @classmethod
    def _current(cls, key: str) -> _Standby | None:
        if cls._standby is None:
            return None
        if cls._standby[0] != key:
            cls._standby[1].dismiss()
            cls._standby = None
            return None
        return cls._standby[1]


def _spawn_piped(module: str, args: list[str], env: dict[str, str], pipes: tuple[int, int]) -> int:
    """Start a detached ``python -m <module>`` talking over ``pipes`` (its stdin, stdout)."""
    actions = [
        (os.POSIX_SPAWN_DUP2, pipes[0], 0),
        (os.POSIX_SPAWN_DUP2, pipes[1], 1),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    pid = os.posix_spawn(
        sys.executable,
        [sys.executable, "-m", module, *args],
        env,
        file_actions=actions,
        setsid=True,
    )
    reap_in_background(pid)
    return pid


def _spawn_standby(module: str, env: dict[str, str], preload: frozenset[str]) -> _Standby:
    request_read, request_write = os.pipe()
    reply_read, reply_write = os.pipe()
    args = ["--standby", ",".join(sorted(preload))] if preload else ["--standby"]
    try:
        pid = _spawn_piped(module, args, env, (request_read, reply_write))
    finally:
        os.close(request_read)
        os.close(reply_write)
    return _Standby(pid, request_write, reply_read, preload)
