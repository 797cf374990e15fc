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

Warm pools (``keep_alive_period_in_seconds``, as SageMaker's): with a keep-alive period the
standby is started with ``--keep-alive`` and this process keeps it after lending it, so
once the process it was lent to is gone (the tuning job ended), this process's next job or
tuning job of that built-in forks from it instead of importing the framework again. The
standby exits once it has been idle for the period, or when this process exits.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import select
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sabio.backends._process import (
    LineReader,
    exit_watch,
    pid_exists,
    reap_in_background,
    spawn_detached,
)

__all__ = ["LocalBackend", "StandbyHandoff"]

#: How long a new job waits for the process a kept standby was lent to (a tuning job's
#: supervisor, which exits right after recording its outcome) before starting another one.
BORROWER_EXIT_SECONDS = 1.0


class _Standby:
    """A warm supervisor that forks one supervisor per job folder written to its pipe."""

    def __init__(
        self,
        pid: int,
        write_fd: int,
        reply_fd: int,
        preload: frozenset[str],
        keep_alive: float = 0.0,
    ) -> None:
        self.pid = pid
        self.write_fd = write_fd
        self.reply_fd = reply_fd
        self.preload = preload
        #: Seconds it stays up once idle (0: until every holder of its pipes is gone).
        self.keep_alive = keep_alive
        #: The process it is lent to (:meth:`LocalBackend.start_standby`), while that runs.
        self.borrower: int | None = None
        self.ready = False
        self._marker = b"ready"  # the reply line that says it is ready for this process
        self._replies = LineReader(reply_fd)

    def resync(self) -> None:
        """Take the standby over after another process used it: ask it to echo a fresh
        marker, and count it ready only once the echo is read (earlier replies are not ours).

        Raises:
            OSError: the standby is gone.
        """
        self._marker = f"?{secrets.token_hex(8)}".encode()
        self.ready = False
        os.write(self.write_fd, self._marker + b"\n")

    def lent(self) -> bool:
        """Whether the process it was lent to still runs (this process must not use it)."""
        if self.borrower is None:
            return False
        if pid_exists(self.borrower):
            return True
        self.borrower = None
        try:
            self.resync()
        except OSError:  # it is gone too: callers find it dead
            pass
        return False

    def is_ready(self) -> bool:
        """Whether the standby finished warming up (never blocks)."""
        return self.wait_ready(0.0)

    def wait_ready(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the standby to finish warming up."""
        deadline = time.monotonic() + timeout
        while not self.ready:
            # Past the deadline this still reads the lines already there, without waiting.
            left = max(deadline - time.monotonic(), 0.0)
            try:
                line = self._replies.read(timeout=left)
            except OSError:
                return False
            if line is None:
                return False
            self.ready = line == self._marker
        return True

    def hand_over(self, job_dir: Path) -> int | None:
        """Send a job folder; return the pid of the supervisor forked for it."""
        try:
            os.write(self.write_fd, f"{job_dir}\n".encode())
            line = self._replies.read(timeout=None)
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
    #: The standby stays this process's warm pool after the receiving process is done with
    #: it (a keep-alive period): :meth:`discard` then leaves it running.
    kept: _Standby | None = None

    @property
    def fds(self) -> tuple[int, int]:
        """The standby's request (write end) and reply (read end) descriptors."""
        return (self.request_fd, self.reply_fd)

    def argument(self) -> str:
        """What the receiving process passes to :meth:`LocalBackend.adopt`."""
        return f"{self.pid}:{self.digest}:{','.join(sorted(self.preload))}"

    def release(self, receiver: int | None = None) -> None:
        """The receiving process (pid ``receiver``) has its own copies: close this process's
        ends. A kept standby is this process's again once the receiver has exited."""
        if not self.released:
            self.released = True
            for fd in self.fds:
                os.close(fd)
            if self.kept is not None and receiver is not None:
                with LocalBackend._lock:
                    self.kept.borrower = receiver

    def discard(self) -> None:
        """Stop the standby unless it was released (the receiving process never started) or
        is kept as this process's warm pool."""
        if self.released:
            return
        if self.kept is None:
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
        self,
        module: str,
        job_dir: Path,
        env: dict[str, str],
        preload: Sequence[str] = (),
        keep_alive: float = 0.0,
    ) -> int | None:
        """Start ``python -m module job_dir`` detached and return its pid.

        ``preload`` names built-in programs the job runs; the standby imports them ahead.
        With ``keep_alive`` seconds the standby starts with this first job (not the second)
        and stays warm that long after the last job it ran (a warm pool).
        """
        key = _key(module, env)
        with LocalBackend._lock:
            standby = LocalBackend._current(key)
            pid = None
            usable = standby is not None and not standby.lent() and pid_exists(standby.pid)
            if standby is not None and usable and standby.is_ready():
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
            if (key in LocalBackend._seen or keep_alive > 0) and standby is None:
                standby = _spawn_standby(module, env, wanted, keep_alive)
                LocalBackend._standby = (key, standby)
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
            if standby is not None and (
                standby.lent() or not wanted <= standby.preload or not pid_exists(standby.pid)
            ):
                standby.dismiss()
                LocalBackend._standby = standby = None
            if standby is None:
                standby = _spawn_standby(module, env, wanted)
                LocalBackend._standby = (key, standby)
            LocalBackend._seen.add(key)
            return standby.wait_ready(timeout)

    def start_standby(
        self, module: str, env: dict[str, str], preload: Sequence[str], keep_alive: float = 0.0
    ) -> StandbyHandoff:
        """Start a standby warming ``preload`` for another process, which will submit jobs
        with this ``env`` (see :class:`StandbyHandoff`).

        Without ``keep_alive`` this process does not use it. With ``keep_alive`` seconds
        this process keeps it as its warm pool: it lends a warm one it already has instead
        of starting another (waiting up to :data:`BORROWER_EXIT_SECONDS` for the process it
        was lent to before to exit), and it is this process's again once the receiver has
        exited, until it has been idle for ``keep_alive`` seconds.

        Raises:
            OSError: the standby could not be started.
        """
        key = _key(module, env)
        wanted = frozenset(preload)
        if keep_alive <= 0:
            fresh = _spawn_standby(module, env, wanted)
            return StandbyHandoff(
                fresh.pid, fresh.write_fd, fresh.reply_fd, fresh.preload, _digest(key)
            )
        with LocalBackend._lock:
            standby = LocalBackend._current(key)
            if standby is not None and standby.borrower is not None:
                _wait_exit(standby.borrower, BORROWER_EXIT_SECONDS)
            if standby is not None and (
                standby.lent() or not pid_exists(standby.pid) or not wanted <= standby.preload
            ):
                standby.dismiss()  # still lent, gone or cold for this built-in: a new one
                LocalBackend._standby = standby = None
            if standby is None:
                standby = _spawn_standby(module, env, wanted, keep_alive)
                LocalBackend._standby = (key, standby)
            LocalBackend._seen.add(key)
            fds = (os.dup(standby.write_fd), os.dup(standby.reply_fd))
            return StandbyHandoff(standby.pid, *fds, standby.preload, _digest(key), kept=standby)

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
        standby = _Standby(pid, fds[0], fds[1], preload)
        try:
            standby.resync()  # it may have served another process before (a warm pool)
        except OSError:
            standby.dismiss()
            return False
        with LocalBackend._lock:
            if LocalBackend._standby is not None:
                LocalBackend._standby[1].dismiss()
            LocalBackend._standby = (key, standby)
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


def _spawn_standby(
    module: str, env: dict[str, str], preload: frozenset[str], keep_alive: float = 0.0
) -> _Standby:
    request_read, request_write = os.pipe()
    reply_read, reply_write = os.pipe()
    args = ["--standby", ",".join(sorted(preload))] if preload else ["--standby"]
    if keep_alive > 0:
        args += ["--keep-alive", f"{keep_alive:g}"]
    try:
        pid = _spawn_piped(module, args, env, (request_read, reply_write))
    finally:
        os.close(request_read)
        os.close(reply_write)
    return _Standby(pid, request_write, reply_read, preload, keep_alive)


def _wait_exit(pid: int, timeout: float) -> None:
    """Wait up to ``timeout`` seconds for process ``pid`` to exit (no wait when it has)."""
    fd = exit_watch(pid)
    if fd is None:
        deadline = time.monotonic() + timeout
        while pid_exists(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        return
    try:
        select.select([fd], [], [], timeout)
    finally:
        os.close(fd)
