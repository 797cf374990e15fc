"""Warm pools: pre-imported supervisor processes ("standbys") that fork a job's supervisor.

A supervisor spends most of its start-up importing (the catalog's database layer, a
built-in's framework, the model server). A warm pool is one *standby* per kind and
environment that has done those imports and waits on a pipe for job folders; each folder it
is sent becomes a supervisor forked in a few milliseconds (see ``_standby``). It announces
``ready`` once warm; until then jobs start cold rather than wait for its imports.

The submitting side kept here is one :class:`WarmPool` per backend instance, keyed by the
job kind and the environment the jobs run with: a ``deploy()`` never dismisses the training
standby, and vice versa. A standby exits at end-of-file, when every holder of its pipes is
gone (so nothing lingers after a notebook exits), or, with a keep-alive period (SageMaker's
``keep_alive_period_in_seconds``), once it has been idle that long.

A process about to start another process that will submit the jobs (a tuning job's
supervisor, which launches its trials) can lend it a standby (:meth:`WarmPool.lend`): the
standby warms up while the other process starts, which gets its pipes as descriptors 3 and 4
and adopts it (:meth:`WarmPool.adopt`). With a keep-alive period the lender keeps a copy and
uses the standby again once the borrower has exited.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sabio.supervision._kind import JobKind
from sabio.supervision._process import LineReader, pid_exists, spawn_detached, wait_exit

__all__ = ["BORROWER_EXIT_SECONDS", "WarmHandoff", "WarmPool"]

#: How long a new job waits for the process a kept standby was lent to (a tuning job's
#: supervisor, which exits right after recording its outcome) before starting another one.
#: The wait ends as soon as it exits; on a loaded machine that can take seconds, and a new
#: standby would cost far more (it imports the built-in's framework again).
BORROWER_EXIT_SECONDS = 10.0
#: The descriptors a borrower gets the standby's request and reply pipes as.
HANDOFF_FDS = (3, 4)


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
        #: The process it is lent to (:meth:`WarmPool.lend`), while that runs.
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

    def usable(self, preload: frozenset[str]) -> bool:
        """Whether it can take this process's jobs that need ``preload`` warm."""
        return not self.lent() and pid_exists(self.pid) and preload <= self.preload

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

    def hand_over(self, folder: Path) -> int | None:
        """Send a job folder; return the pid of the supervisor forked for it."""
        try:
            os.write(self.write_fd, f"{folder}\n".encode())
            line = self._replies.read(timeout=None)
            return None if line is None else int(line)
        except (OSError, ValueError):
            return None

    def dismiss(self) -> None:
        os.close(self.write_fd)  # the standby reads EOF and exits
        os.close(self.reply_fd)


@dataclass
class WarmHandoff:
    """A standby started by this process for a process it is about to start.

    Pass :attr:`fds` to that process (as its descriptors 3 and 4) and :meth:`argument` on its
    command line, then call :meth:`release`; the other process calls
    :meth:`WarmPool.adopt`. Until then :meth:`discard` stops the standby.
    """

    pid: int
    request_fd: int
    reply_fd: int
    preload: frozenset[str]
    digest: str
    released: bool = False
    #: The standby stays the lender's warm pool after the receiving process is done with
    #: it (a keep-alive period): :meth:`discard` then leaves it running.
    kept: _Standby | None = None
    _lock: threading.Lock | None = None

    @property
    def fds(self) -> tuple[int, int]:
        """The standby's request (write end) and reply (read end) descriptors."""
        return (self.request_fd, self.reply_fd)

    def argument(self) -> str:
        """What the receiving process passes to :meth:`WarmPool.adopt`."""
        return f"{self.pid}:{self.digest}:{','.join(sorted(self.preload))}"

    def release(self, receiver: int | None = None) -> None:
        """The receiving process (pid ``receiver``) has its own copies: close this process's
        ends. A kept standby is this process's again once the receiver has exited."""
        if self.released:
            return
        self.released = True
        for fd in self.fds:
            os.close(fd)
        if self.kept is not None and receiver is not None and self._lock is not None:
            with self._lock:
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


def _key(kind: JobKind, env: dict[str, str]) -> str:
    return kind.name + "\0" + "\0".join(f"{k}={v}" for k, v in sorted(env.items()))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class WarmPool:
    """This process's standbys, one per job kind and environment (see the module's text).

    A standby for a key starts with the second job launched with it (a process that submits
    one job pays nothing), or with the first when a keep-alive period is asked for.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._standbys: dict[str, _Standby] = {}
        self._seen: set[str] = set()

    def launch(
        self,
        kind: JobKind,
        folder: Path,
        env: dict[str, str],
        preload: Sequence[str],
        keep_alive: float,
        pass_fds: Sequence[int] = (),
        args: Sequence[str] = (),
    ) -> int:
        """Start the supervisor of ``folder``: forked by a ready standby of ``kind`` and
        ``env`` when there is one, else a fresh process; then make sure a standby warming
        ``preload`` is there for the next job.

        ``pass_fds`` and ``args`` (a handoff to the supervisor) need a fresh process.
        """
        key = _key(kind, env)
        wanted = frozenset(preload)
        with self._lock:
            standby = self._standbys.get(key)
            pid = None
            usable = standby is not None and not pass_fds and standby.usable(frozenset())
            if standby is not None and usable and standby.wait_ready(0.0):
                pid = standby.hand_over(folder)
                if pid is None:
                    self._drop(key)
            if pid is None:
                pid = spawn_detached(
                    kind.module, [str(folder), *args], env, folder / "supervisor.log", pass_fds
                )
            standby = self._standbys.get(key)
            wanted |= standby.preload if standby is not None else frozenset()
            if standby is not None and not wanted <= standby.preload:
                self._drop(key)  # replaced by one that also warms this job's built-in
                standby = None
            if standby is None and (key in self._seen or keep_alive > 0):
                self._standbys[key] = _spawn_standby(kind, env, wanted, keep_alive)
            self._seen.add(key)
        return pid

    def prepare(
        self, kind: JobKind, env: dict[str, str], preload: Sequence[str], timeout: float
    ) -> bool:
        """Start a standby warming ``preload`` now; wait up to ``timeout`` s for it."""
        key = _key(kind, env)
        with self._lock:
            standby = self._standbys.get(key)
            wanted = frozenset(preload) | (standby.preload if standby else frozenset())
            if standby is not None and not standby.usable(wanted):
                self._drop(key)
                standby = None
            if standby is None:
                standby = self._standbys[key] = _spawn_standby(kind, env, wanted)
            self._seen.add(key)
            return standby.wait_ready(timeout)

    def lend(
        self, kind: JobKind, env: dict[str, str], preload: Sequence[str], keep_alive: float
    ) -> WarmHandoff:
        """A standby warming ``preload`` for another process's jobs of ``kind`` with ``env``.

        Without ``keep_alive`` this process does not use it. With ``keep_alive`` seconds this
        process keeps it as its warm pool: it lends a warm one it already has instead of
        starting another (waiting up to :data:`BORROWER_EXIT_SECONDS` for the process it was
        lent to before to exit), and it is this process's again once the receiver has exited.

        Raises:
            OSError: the standby could not be started.
        """
        key = _key(kind, env)
        wanted = frozenset(preload)
        if keep_alive <= 0:
            fresh = _spawn_standby(kind, env, wanted)
            return WarmHandoff(
                fresh.pid, fresh.write_fd, fresh.reply_fd, fresh.preload, _digest(key)
            )
        with self._lock:
            standby = self._standbys.get(key)
            if standby is not None and standby.borrower is not None:
                wait_exit(standby.borrower, BORROWER_EXIT_SECONDS)
            if standby is not None and not standby.usable(wanted):
                self._drop(key)  # still lent, gone or cold for this built-in: a new one
                standby = None
            if standby is None:
                standby = self._standbys[key] = _spawn_standby(kind, env, wanted, keep_alive)
            self._seen.add(key)
            fds = (os.dup(standby.write_fd), os.dup(standby.reply_fd))
            return WarmHandoff(
                standby.pid, *fds, standby.preload, _digest(key), kept=standby, _lock=self._lock
            )

    def adopt(
        self,
        kind: JobKind,
        env: dict[str, str],
        argument: str,
        fds: tuple[int, int] = HANDOFF_FDS,
    ) -> bool:
        """Take over a standby lent to this process (its request and reply pipes as ``fds``,
        ``argument`` from :meth:`WarmHandoff.argument`) for its jobs of ``kind`` with
        ``env``. When it was started for another environment (or the argument is malformed)
        it is let go (it exits) and False is returned.

        Raises:
            OSError: the descriptors are not open.
        """
        for fd in fds:
            os.set_inheritable(fd, False)  # the jobs this process starts must not hold it
        try:
            pid_text, digest, modules = argument.split(":", 2)
            pid = int(pid_text)
        except ValueError:
            pid, digest, modules = 0, "", ""
        key = _key(kind, env)
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
        with self._lock:
            self._drop(key)
            self._standbys[key] = standby
            self._seen.add(key)
        return True

    def standby_pid(self, kind: JobKind, env: dict[str, str]) -> int | None:
        """The pid of this process's standby for ``kind`` and ``env``, if it has one."""
        with self._lock:
            standby = self._standbys.get(_key(kind, env))
            return None if standby is None else standby.pid

    def wait_ready(self, kind: JobKind, env: dict[str, str], timeout: float) -> bool:
        """Wait up to ``timeout`` s for the standby of ``kind`` and ``env`` to be warm; False
        when there is none or it is not warm in time."""
        with self._lock:
            standby = self._standbys.get(_key(kind, env))
            return standby is not None and standby.wait_ready(timeout)

    def clear(self) -> None:
        """Let every standby go (each exits once no other process holds it)."""
        with self._lock:
            for key in list(self._standbys):
                self._drop(key)
            self._seen.clear()

    def _drop(self, key: str) -> None:
        standby = self._standbys.pop(key, None)
        if standby is not None:
            standby.dismiss()


def _spawn_standby(
    kind: JobKind, env: dict[str, str], preload: frozenset[str], keep_alive: float = 0.0
) -> _Standby:
    request_read, request_write = os.pipe()
    reply_read, reply_write = os.pipe()
    args = ["--standby", ",".join(sorted(preload))] if preload else ["--standby"]
    if keep_alive > 0:
        args += ["--keep-alive", f"{keep_alive:g}"]
    try:
        pid = spawn_detached(kind.module, args, env, None, stdio=(request_read, reply_write))
    finally:
        os.close(request_read)
        os.close(reply_write)
    return _Standby(pid, request_write, reply_read, preload, keep_alive)
