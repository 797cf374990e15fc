"""The one lifecycle of every supervised job: launch, reconcile, describe, stop, follow, wait.

A job is a catalog record plus a folder (``<home>/<kind.folder>/<name>``: spec, ``logs.txt``,
``supervisor.log`` and, once the outcome is recorded, a ``done`` marker) plus a detached
supervisor process that records its own state. Nothing here depends on the supervisor
being up: any read of a job whose supervisor died without recording an outcome reconciles
it to its kind's ``dead_status``.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sabio._config import Settings, environ, settings_to_env
from sabio.catalog import Catalog, JobRecord
from sabio.exceptions import CapacityError, SabioError, TimeoutError_
from sabio.supervision._instances import Resources
from sabio.supervision._kind import JobKind
from sabio.supervision._process import exit_watch
from sabio.supervision._program import unrecorded_reason
from sabio.supervision.backends import WarmHandoff, backend_for

__all__ = [
    "HEARTBEAT_SECONDS",
    "STALE_SECONDS",
    "check_backend",
    "describe",
    "follow",
    "job_dir",
    "job_env",
    "launch",
    "reconcile",
    "stop",
    "supervisor_dead",
    "wait",
]

#: How often a supervisor records that it is alive (and looks for stop requests).
HEARTBEAT_SECONDS = 2.0
#: A supervisor whose heartbeat is older than this (and whose process cannot be seen) is dead.
STALE_SECONDS = 15.0
#: A record unchanged this long and still without a supervisor was never started (its
#: submitter died between recording it and launching it). Generous: a submitter may upload a
#: large source archive in between.
ORPHAN_SECONDS = 300.0


def job_dir(settings: Settings, kind: JobKind, name: str) -> Path:
    """The local folder of a job (spec, logs, markers)."""
    return settings.home / kind.folder / name


def job_env(settings: Settings) -> dict[str, str]:
    """The environment supervisors run with (the warm pool is keyed by it)."""
    return {**environ(), **settings_to_env(settings)}


def launch(
    settings: Settings,
    kind: JobKind,
    name: str,
    *,
    preload: Sequence[str] = (),
    keep_alive: float = 0.0,
    handoff: WarmHandoff | None = None,
    resources: Resources | None = None,
) -> int | None:
    """Start the supervisor of a recorded job whose folder is ready; return its pid.

    ``preload`` names built-in programs the job runs, which a warm pool imports ahead;
    ``keep_alive`` seconds keep that warm pool for this process's next jobs of the kind;
    ``handoff`` gives the supervisor a warm pool this process started for it to use;
    ``resources`` is what the job's instance type asks of the backend. A supervisor that
    cannot be started, or a job the backend refuses, fails the job with the reason.
    Submitters call :func:`check_backend` before they record anything; this is the backstop.

    Raises:
        OSError: the supervisor could not be started (the job is ``Failed``).
        SabioError: the backend is unknown or unavailable, or refused the job (the job is
            ``Failed`` with the reason).
    """
    jobs = Catalog.open(settings).jobs(kind)
    try:
        backend = backend_for(settings.backend)
        launched = backend.launch(
            kind,
            job_dir(settings, kind, name),
            job_env(settings),
            preload=preload,
            keep_alive=keep_alive,
            handoff=handoff,
            resources=resources,
        )
    except (OSError, SabioError) as exc:
        if isinstance(exc, CapacityError):
            reason = str(exc)  # already SageMaker's ResourceLimitExceeded
        elif isinstance(exc, SabioError):
            reason = f"ClientError: {exc}"
        else:
            reason = (
                f"InternalServerError: cannot start the supervisor (python -m {kind.module}): "
                f"{exc}. Check that the workspace folder is writable and that this Python "
                "environment can run it, then run the job again."
            )
        jobs.transition(
            name,
            kind.dead_status,
            secondary_status=kind.dead_status,
            message=f"{kind.label} failed",
            failure_reason=reason[:1024],  # SageMaker keeps 1024 characters
        )
        raise
    if launched is None:
        return None
    pid, host = launched
    jobs.update(name, supervisor_pid=pid, supervisor_host=host)
    return pid


def check_backend(settings: Settings) -> None:
    """Refuse a submission before anything is recorded when its backend cannot run it.

    Raises:
        ConfigError: the backend is unknown or unavailable (names the valid ones and how to
            install the missing one), or cannot run this workspace (a Ray cluster of several
            machines and a SQLite catalog, a cluster that does not answer).
        FrameworkNotInstalledError: the backend's library is missing.
    """
    backend_for(settings.backend).check(settings)


def supervisor_dead(settings: Settings, kind: JobKind, record: JobRecord) -> bool:
    """Whether a job that should have a live supervisor has none (its process is gone, or
    its heartbeat is stale where the process cannot be seen)."""
    if not kind.expects_supervisor(record.status):
        return False
    if record.supervisor_pid is not None:
        alive = backend_for(settings.backend).alive(
            kind, record.supervisor_pid, record.supervisor_host
        )
        if alive is not None:
            return not alive
    if record.heartbeat_at is not None:
        return time.time() - record.heartbeat_at > STALE_SECONDS
    return record.supervisor_pid is None and time.time() - record.last_modified > ORPHAN_SECONDS


def reconcile(
    settings: Settings,
    kind: JobKind,
    record: JobRecord,
    on_dead: Callable[[JobRecord], Any] | None = None,
) -> JobRecord:
    """Move a job whose supervisor died without recording an outcome to its kind's dead
    status, with the reason; stop what is left of it (its process group, and ``on_dead``
    for what the kind started elsewhere, such as a tuning job's trials)."""
    if not supervisor_dead(settings, kind, record):
        return record
    jobs = Catalog.open(settings).jobs(kind)
    time.sleep(0.05)  # wait out the supervisor's last write (it may have just finished)
    record = jobs.get(record.name)
    if not supervisor_dead(settings, kind, record):
        return record
    if record.supervisor_pid is not None:
        backend_for(settings.backend).kill(kind, record.supervisor_pid, record.supervisor_host)
    if on_dead is not None:
        on_dead(record)
    jobs.transition(
        record.name,
        kind.dead_status,
        secondary_status=kind.dead_status,
        message=f"{kind.label} failed",
        only_from=kind.active or None,
        failure_reason=(
            unrecorded_reason(job_dir(settings, kind, record.name))
            or kind.reason_dead(record.name, record.supervisor_pid)
        )[:1024],
    )
    return jobs.get(record.name, with_history=True)


def describe(settings: Settings, kind: JobKind, name: str) -> JobRecord:
    """A job's record with its status history, reconciled first.

    Raises:
        NotFoundError: no such job (with a "Did you mean" hint).
    """
    record = Catalog.open(settings).jobs(kind).get(name, with_history=True)
    return reconcile(settings, kind, record)


def stop(settings: Settings, kind: JobKind, name: str) -> bool:
    """Ask a running job to stop; False when it had already ended.

    The request is recorded (the supervisor reads it with its next heartbeat) and the
    supervisor is signalled (SIGUSR1) once it has installed its handler.

    Raises:
        NotFoundError: no such job.
    """
    jobs = Catalog.open(settings).jobs(kind)
    record = reconcile(settings, kind, jobs.get(name))
    if not kind.expects_supervisor(record.status) or not jobs.request_stop(name):
        return False
    if kind.stop_status is not None:
        jobs.transition(name, kind.stop_status, only_from=kind.active or ("InProgress",))
    record = jobs.get(name)
    # A supervisor records heartbeat_at once its handler is installed and then reads the
    # stop flag once, so an earlier one finds the flag itself.
    if record.supervisor_pid is not None and record.heartbeat_at is not None:
        backend_for(settings.backend).signal(
            kind, record.supervisor_pid, record.supervisor_host, signal.SIGUSR1
        )
    return True


def _ended(record: JobRecord) -> bool:
    return record.is_terminal


def follow(
    settings: Settings,
    kind: JobKind,
    name: str,
    write: Callable[[str], None] | None = None,
    *,
    until: Callable[[JobRecord], bool] = _ended,
    timeout: float | None = None,
    on_change: Callable[[JobRecord], Any] | None = None,
    on_dead: Callable[[JobRecord], Any] | None = None,
    poll_seconds: float = 0.02,
) -> JobRecord:
    """Stream a job's log to ``write`` (None: just wait) until ``until(record)`` (default:
    the job ended); return the record, with its history.

    The catalog is read when the supervisor writes its ``done`` marker or exits and about
    once a second (when a dead supervisor is reconciled); with ``on_change`` or another
    ``until`` than the end, also every 10 ms for two seconds, then with a backoff up to
    0.25 s. ``on_change`` sees every changed record.

    Raises:
        NotFoundError: no such job.
        TimeoutError_: ``until`` was not met within ``timeout`` seconds.
    """
    jobs = Catalog.open(settings).jobs(kind)
    folder = job_dir(settings, kind, name)
    log = _LogTail(folder / "logs.txt", write)
    record = jobs.get(name)
    watch = _ExitWatch(record)
    deadline = None if timeout is None else time.monotonic() + timeout
    started = time.monotonic()
    # Waiting for the end needs no catalog reads between the marker, the exit and the
    # reconcile check: the supervisor writes its outcome before either.
    watching = on_change is not None or until is not _ended
    delay = 0.01 if watching else 1.0
    next_read, last_check, last_modified, marked = 0.0, started, -1.0, False
    try:
        while True:
            now = time.monotonic()
            exited = watch.exited()
            marker = not marked and (folder / "done").exists()
            marked = marked or marker
            log.pump()
            if marker or exited or now >= next_read:
                record = jobs.get(name)
                if exited or marker or now - last_check > 1.0:
                    last_check = now
                    record = reconcile(settings, kind, record, on_dead)
                if record.last_modified != last_modified:
                    last_modified = record.last_modified
                    delay = 0.01 if watching else delay
                    if on_change is not None:
                        on_change(record)
                if until(record):
                    log.pump(final=True)
                    return jobs.get(name, with_history=True)
                if watching and now - started > 2.0:
                    delay = min(delay * 1.5, 0.25)
                next_read = now + delay
            if deadline is not None and now > deadline:
                raise TimeoutError_(
                    f"{kind.label} {name!r} did not finish within {timeout} s; it is still "
                    f"{record.status}. Wait again, or stop it with {kind.stop_hint}."
                )
            watch.wait(poll_seconds if write is not None or not watching else delay)
    finally:
        watch.close()


def wait(
    settings: Settings,
    kind: JobKind,
    name: str,
    *,
    until: Callable[[JobRecord], bool] = _ended,
    timeout: float | None = None,
    on_change: Callable[[JobRecord], Any] | None = None,
    on_dead: Callable[[JobRecord], Any] | None = None,
) -> JobRecord:
    """Block until ``until(record)`` (default: the job ended), without printing its log.

    Raises:
        NotFoundError: no such job.
        TimeoutError_: not within ``timeout`` seconds.
    """
    return follow(
        settings,
        kind,
        name,
        None,
        until=until,
        timeout=timeout,
        on_change=on_change,
        on_dead=on_dead,
    )


class _LogTail:
    """New whole lines of a growing log file, written out as they come."""

    def __init__(self, path: Path, write: Callable[[str], None] | None) -> None:
        self.path, self.write = path, write
        self.offset, self.pending = 0, b""

    def pump(self, *, final: bool = False) -> None:
        if self.write is None or not self.path.exists():
            return
        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            chunk = fh.read()
        self.offset += len(chunk)
        *lines, self.pending = (self.pending + chunk).split(b"\n")
        for line in lines:
            self.write(line.decode("utf-8", errors="replace"))
        if final and self.pending:
            self.write(self.pending.decode("utf-8", errors="replace"))
            self.pending = b""


class _ExitWatch:
    """The exit of a job's supervisor on this machine, when it can be watched (a pidfd)."""

    def __init__(self, record: JobRecord) -> None:
        local = record.supervisor_host in (None, socket.gethostname())
        pid = record.supervisor_pid
        self.fd = exit_watch(pid) if pid is not None and local else None
        self._fired = False

    def exited(self) -> bool:
        """Whether the supervisor exited since the last call (True once)."""
        if self.fd is None or self._fired:
            return False
        self._fired = bool(select.select([self.fd], [], [], 0)[0])
        return self._fired

    def wait(self, seconds: float) -> None:
        if self.fd is None or self._fired:
            time.sleep(seconds)
        else:
            select.select([self.fd], [], [], seconds)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
