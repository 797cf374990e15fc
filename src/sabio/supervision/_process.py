"""Detached processes on this machine: start one, tell whether it still runs, reap it.

Training, tuning, transform and endpoint supervisors all run as detached
``python -m <module>`` processes whose pid the catalog records; these helpers are the one
place that knows how to start them and how to recognise them later.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

__all__ = [
    "LineReader",
    "end_children",
    "end_process_group",
    "exit_now",
    "exit_watch",
    "finish_child",
    "fork_child",
    "group_members",
    "kill_process_group",
    "log_output_to",
    "pid_exists",
    "process_alive",
    "reap_in_background",
    "spawn_detached",
    "wait_exit",
]

_PF_KTHREAD = 0x00200000  # /proc/<pid>/stat flags bit of kernel threads (no command line)


def pid_exists(pid: int) -> bool:
    """Whether a process (possibly a zombie) has this pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LineReader:
    """Newline-terminated lines from a pipe, with a timeout (the standbys' request and reply
    pipes)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        #: Set once the writing end is closed and every line was read.
        self.eof = False
        self._pending = b""

    def read(self, timeout: float | None) -> bytes | None:
        """The next line without its newline; None at end of file (:attr:`eof`) or when no
        whole line came within ``timeout`` seconds (None: wait as long as it takes).

        Raises:
            OSError: the descriptor cannot be read.
        """
        while b"\n" not in self._pending:
            if timeout is not None and not select.select([self.fd], [], [], timeout)[0]:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:
                self.eof = True
                return None
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line


def process_alive(pid: int, module: str) -> bool:
    """Whether ``pid`` is a live (not zombie) process running ``python -m <module>``.

    A pid the kernel reused for another program counts as dead; when ``/proc`` cannot be
    read, a process that answers signal 0 counts as alive.
    """
    if not pid_exists(pid):
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read()
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        state, flags = fields[0], int(fields[6])
    except (OSError, IndexError, ValueError):
        return True
    if state in (b"Z", b"X") or flags & _PF_KTHREAD:
        return False
    # An exiting process has already dropped its memory, and with it its command line: it
    # still counts as alive until it is a zombie, so callers waiting for its end wait fully.
    return not cmdline or module.encode() in cmdline  # else the pid is another program's


def _stat_fields() -> Iterator[tuple[int, bytes, int, int]]:
    """``(pid, state, process group, session)`` of every process ``/proc`` shows."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return
    for entry in names:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            yield int(entry), fields[0], int(fields[2]), int(fields[3])
        except (OSError, IndexError, ValueError):
            continue  # it ended meanwhile


def group_members(pgid: int, *, session: bool = False) -> list[int]:
    """The live (not zombie) processes of process group ``pgid`` (with ``session``: of the
    session ``pgid`` leads, every group of it). Where ``/proc`` cannot be read, a group that
    answers signal 0 counts as ``[pgid]``."""
    if not os.path.isdir("/proc"):
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return []
        return [pgid]
    return [
        pid
        for pid, state, group, sid in _stat_fields()
        if (sid if session else group) == pgid and state not in (b"Z", b"X")
    ]


def _signal_all(pids: Sequence[int], signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass


def end_process_group(pgid: int, grace: float, *, spare: int | None = None) -> list[int]:
    """End what runs in process group ``pgid``: SIGTERM, then SIGKILL for whatever still
    runs after ``grace`` seconds. The one way sabio ends a group of processes it started
    (a program's leftovers when its entry point exits, a stopped program, a supervisor's
    stray children); :func:`end_children` does the same for ``multiprocessing`` children.

    Args:
        pgid: the process group.
        grace: seconds between SIGTERM and SIGKILL.
        spare: a pid of the group left alone (the caller, ending its own group).

    Returns:
        The pids that were still running when it was called (empty: nothing was left).
    """
    running = [pid for pid in group_members(pgid) if pid != spare]
    if not running:
        return []
    if spare is None:
        try:
            os.killpg(pgid, signal.SIGTERM)  # also reaches a process forked meanwhile
        except (ProcessLookupError, PermissionError):
            return running
    else:
        _signal_all(running, signal.SIGTERM)
    deadline = time.monotonic() + grace
    left = running
    while time.monotonic() < deadline:
        left = [pid for pid in group_members(pgid) if pid != spare]
        if not left:
            return running
        time.sleep(0.02)
    if spare is None:
        kill_process_group(pgid)
    else:
        _signal_all(left, signal.SIGKILL)
    return running


def kill_process_group(pgid: int) -> None:
    """Kill every process of a group at once (SIGKILL). For a dead supervisor's group (its
    ``pgid`` is its pid and its session's id), the process groups of the programs it started
    in its session are killed too."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    _signal_all(group_members(pgid, session=True), signal.SIGKILL)


def end_children(grace: float) -> int:
    """End this process's ``multiprocessing`` children (a worker pool's processes): SIGTERM,
    then SIGKILL for any still running after ``grace`` seconds (a child forked a moment ago
    may still run its parent's SIGTERM handler). Returns how many there were."""
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    deadline = time.monotonic() + grace
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.kill()
            child.join(grace)
    return len(children)


def exit_now(code: int) -> NoReturn:
    """End a supervisor process once it has recorded its outcome: flush its output and exit
    without the interpreter's clean-up, which takes 0.1 to 0.2 s with the catalog, pydantic
    and Optuna loaded, and which those waiting on the process's exit would wait out."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # a closed stream cannot be flushed; the exit code still counts
            pass
    os._exit(code)


def finish_child(run: Callable[[], int]) -> NoReturn:
    """In a forked child: run ``run()`` and exit with its status without returning into the
    parent's code (1, after printing the traceback to stderr, when it raised)."""
    code = 1
    try:
        code = run()
    except BaseException:
        traceback.print_exc()
    exit_now(code)


def fork_child(run: Callable[[], int]) -> int:
    """Fork this process; return the child's pid. The child runs ``run()`` and ends with its
    status (:func:`finish_child`), never returning into the caller's code. The one way sabio
    forks: standbys' spare supervisors, endpoint workers, pre-forked built-in programs.
    """
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        finish_child(run)
    return pid


def log_output_to(path: Path) -> None:
    """Point this process's stdout and stderr (descriptors 1 and 2) at ``path``, appended."""
    log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)


def exit_watch(pid: int) -> int | None:
    """A descriptor that becomes readable when process ``pid`` exits (a Linux pidfd), for
    waiting on a process that is not a child without polling; close it when done.

    None where pidfds are not available or the process is already gone: callers then fall
    back to polling.
    """
    open_pidfd = getattr(os, "pidfd_open", None)
    if open_pidfd is None:
        return None
    try:
        fd: int = open_pidfd(pid)
    except OSError:
        return None
    return fd


def wait_exit(pid: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for process ``pid`` (not necessarily a child) to exit;
    return whether it has (on its pidfd, else polling)."""
    fd = exit_watch(pid)
    if fd is None:
        deadline = time.monotonic() + timeout
        while pid_exists(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        return not pid_exists(pid)
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def reap_in_background(pid: int) -> None:
    """Collect a child's exit status when it ends, so long-lived notebooks gather no zombies."""
    threading.Thread(target=_reap, args=(pid,), daemon=True, name=f"reap-{pid}").start()


def spawn_detached(
    module: str,
    args: Sequence[str],
    env: dict[str, str],
    log: Path | None,
    pass_fds: Sequence[int] = (),
    stdio: tuple[int, int] | None = None,
) -> int:
    """Start ``python -m <module> <args>`` in its own session (no terminal) and return its pid;
    it is reaped in the background. The one way sabio starts a supervisor process.

    Its stdin is ``/dev/null`` and its stdout and stderr are appended to ``log`` (discarded
    when None); with ``stdio`` its stdin and stdout are those two descriptors instead (a
    standby's request and reply pipes). ``pass_fds`` are descriptors of this process the
    child gets as 3, 4, ... (in order); no other descriptor is passed on.
    """
    out = str(log) if log is not None else os.devnull
    if stdio is None:
        actions: list[tuple[Any, ...]] = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
        ]
    else:
        actions = [
            (os.POSIX_SPAWN_DUP2, stdio[0], 0),
            (os.POSIX_SPAWN_DUP2, stdio[1], 1),
            (os.POSIX_SPAWN_OPEN, 2, out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
        ]
    # Copies above every target number first, so no dup2 clobbers a source still needed.
    sources = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3 + len(pass_fds)) for fd in pass_fds]
    try:
        actions += [(os.POSIX_SPAWN_DUP2, fd, 3 + i) for i, fd in enumerate(sources)]
        pid = os.posix_spawn(
            sys.executable,
            [sys.executable, "-m", module, *args],
            env,
            file_actions=actions,
            setsid=True,
        )
    finally:
        for fd in sources:
            os.close(fd)
    reap_in_background(pid)
    return pid
