"""The standby of a warm pool: ``python -m <kind.module> --standby [modules] [--keep-alive S]``.

The submitting process's warm pool (``_warm_pool``) keeps one per job kind and environment.
It does the supervisor's imports once (the kind's :meth:`Program.warm_up`, which may
pre-import built-in programs) and runs each job folder it is sent in a forked supervisor.
The fork happens ahead of the job: a *spare* supervisor waits for its folder, already
prepared for any job (:meth:`Program.prepare`: a training spare pre-forks its program's
child while it still has a single thread).

With ``--keep-alive SECONDS`` (``keep_alive_period_in_seconds``, SageMaker's warm pools) the
submitter keeps its own copy of the pipes, so the standby outlives the process it was lent
to (a tuning job's supervisor) and serves the submitter's next job; it then exits once no
supervisor it started has run and no job came for that many seconds.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.supervision._kind import JobKind
from sabio.supervision._process import LineReader, fork_child, log_output_to, pid_exists
from sabio.supervision._program import Program, run_job

__all__ = ["serve_standby"]


#: After handing a job over, fork the next spare supervisor once no request came for this
#: long: the job just handed over is starting and should not share the CPU with the fork.
SPARE_DELAY_SECONDS = 0.2


def serve_standby(
    kind: JobKind, program: Program, preload: Sequence[str], keep_alive: float = 0.0
) -> int:
    """Standby mode: warm up once, then run a supervisor per job folder read from stdin.

    Warming up is the program's :meth:`~Program.warm_up` (its kind's imports and the
    built-in programs named in ``preload``) and opening the catalog. The parent writes
    ``ready`` when warm, answers each job folder with the pid of the supervisor that runs
    it on stdout, and exits at end-of-file (when the submitting process is gone), or, with
    ``keep_alive`` seconds, once that long has passed since the last supervisor it started
    ended with no new job. A line starting
    with ``?`` is echoed back: whoever takes the standby over reads up to its echo, so
    replies meant for an earlier user cannot be mistaken for its own.

    Forking a process this size takes 10 to 25 ms, and a warm job forks twice (its
    supervisor, then a built-in's program child): the standby keeps one *spare* supervisor
    forked ahead and prepared, waiting for a job folder (see :func:`_spare_main`). A job is
    handed to the spare, and the next spare is forked once the standby is idle again.
    """
    from sabio.catalog._engine import dispose_all

    # Replies get a private descriptor: whatever an import prints cannot garble them.
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    # The built-in's imports first: in a new workspace the submitting process creates the
    # catalog meanwhile, so the open below finds it ready instead of migrating it.
    warmed = program.warm_up(kind, preload)
    Catalog.open(load_settings())
    dispose_all(close=True)  # no connection may be shared with the forked supervisors
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the kernel
    spare: _Spare | None = _Spare.fork(reply.fileno(), program, warmed)
    reply.write("ready\n")
    requests = LineReader(sys.stdin.fileno())
    idle = _Idle(keep_alive)
    while True:
        raw = requests.read(SPARE_DELAY_SECONDS if spare is None else idle.timeout())
        if requests.eof:  # the submitter is gone
            break
        if raw is None:  # nothing came in time
            if spare is None:
                spare = _Spare.fork(reply.fileno(), program, warmed)
            elif idle.expired():
                break
            continue
        line = raw.decode()
        if line.startswith("?"):  # a new user synchronising with the replies
            reply.write(f"{line}\n")
            idle.touch()
            continue
        job_dir = line.strip()
        if not job_dir:
            continue
        pid = spare.assign(job_dir) if spare is not None else None
        if pid is None:  # none ready, or it died: fork one for this job now
            pid = _Spare.fork(reply.fileno(), program, warmed).assign(job_dir)
        spare = None
        if pid is None:  # the submitter reads end-of-file and starts the job itself
            break
        idle.started(pid)
        reply.write(f"{pid}\n")
    return 0


class _Idle:
    """The keep-alive clock: time since the last supervisor this standby started ended."""

    #: How often the standby looks whether its supervisors are still running.
    CHECK_SECONDS = 1.0

    def __init__(self, keep_alive: float) -> None:
        self.keep_alive = keep_alive
        self.since = time.monotonic()
        self.running: set[int] = set()

    def timeout(self) -> float | None:
        """How long to wait for a request before checking again (None: until one comes)."""
        if self.keep_alive <= 0:
            return None
        left = self.since + self.keep_alive - time.monotonic()
        return max(0.0, min(left, self.CHECK_SECONDS)) if not self.running else self.CHECK_SECONDS

    def touch(self) -> None:
        """A request came: the period starts again."""
        self.since = time.monotonic()

    def started(self, pid: int) -> None:
        """A supervisor was handed a job: the period starts again once it ends."""
        self.running.add(pid)
        self.touch()

    def expired(self) -> bool:
        """Whether the keep-alive period has passed with nothing running."""
        if self.keep_alive <= 0:
            return False
        # Supervisors are reaped by the kernel (SIGCHLD ignored): a gone pid has ended.
        ended = {pid for pid in self.running if not pid_exists(pid)}
        if ended:
            self.running -= ended
            self.touch()
        return not self.running and time.monotonic() - self.since >= self.keep_alive


class _Spare:
    """A supervisor forked ahead of its job, waiting for the job folder on a pipe."""

    def __init__(self, pid: int, control: int) -> None:
        self.pid = pid
        self.control = control

    @classmethod
    def fork(cls, reply: int, program: Program, warmed: Sequence[str]) -> _Spare:
        """Fork a spare, prepared by ``program`` for any job."""
        control_r, control_w = os.pipe()

        def spare() -> int:  # pragma: no cover - runs in the spare
            os.close(control_w)
            return _spare_main(control_r, reply, program, warmed)

        pid = fork_child(spare)
        os.close(control_r)
        return cls(pid, control_w)

    def assign(self, job_dir: str) -> int | None:
        """Hand the spare its job; return its pid (None when it is gone)."""
        try:
            os.write(self.control, f"{job_dir}\n".encode())
        except OSError:
            return None
        finally:
            os.close(self.control)
        return self.pid


def _spare_main(
    control: int, reply: int, program: Program, warmed: Sequence[str]
) -> int:  # pragma: no cover
    """Body of a spare: get ready for any job, wait for its folder, supervise it; return the
    exit status."""
    from sabio.catalog._engine import dispose_all

    os.setsid()
    os.close(reply)  # the submitter must see EOF when the standby is gone
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    dispose_all(close=False)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    prepared: Any = program.prepare(warmed)
    with os.fdopen(control, "rb") as pipe:
        job_dir = pipe.read().decode().strip()  # the standby closes its end after it
    if not job_dir:  # the standby is gone: nothing to run
        program.discard(prepared)
        return 0
    log_output_to(Path(job_dir) / "supervisor.log")
    print(f"sabio: supervisor forked from the warm pool (standby {os.getppid()})")
    return run_job(program, Path(job_dir), prepared)
