"""The base of every supervisor: claim the job, heartbeat, stop requests, ``done`` marker.

A supervisor records its own state in the catalog. It claims its job (pid, host, first
heartbeat), beats every :data:`HEARTBEAT_SECONDS` (any reader takes a stale beat with a dead
process for a dead supervisor), turns SIGTERM, SIGUSR1 and a recorded stop request into one
:meth:`Supervisor.request_stop`, and writes ``done`` into its folder once the outcome is
recorded, which followers wait for.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sabio._config import Settings
from sabio.catalog import Catalog, JobRecord, Jobs
from sabio.supervision._instances import instance_type
from sabio.supervision._kind import JobKind
from sabio.supervision._lifecycle import HEARTBEAT_SECONDS
from sabio.supervision._process import end_process_group
from sabio.supervision._slots import SlotReservation

__all__ = ["FAILURE_REASON_LIMIT", "Supervisor", "failure_reason"]

#: SageMaker keeps this many characters of a failure reason.
FAILURE_REASON_LIMIT = 1024
USER_STOP = "Stopped at the user's request."


def failure_reason(text: str) -> str:
    """A failure reason as SageMaker records it (at most 1024 characters)."""
    return text[:FAILURE_REASON_LIMIT]


class Supervisor:
    """Owns one job of ``kind`` from its folder. Subclasses implement the work and call
    :meth:`claim` first and :meth:`finish` last (in a ``finally``).

    Args:
        kind: the job kind.
        folder: the job folder; its name is the job name.
        settings: the workspace.
    """

    def __init__(self, kind: JobKind, folder: Path, settings: Settings) -> None:
        self.kind = kind
        self.folder = folder
        self.name = folder.name
        self.settings = settings
        self.catalog = Catalog.open(settings)
        self.jobs: Jobs = self.catalog.jobs(kind)
        #: Why the job is asked to stop (None while it is not).
        self.stop_reason: str | None = None
        #: Set on every stop request, so a waiting loop wakes at once.
        self.wake = threading.Event()
        self._finished = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def request_stop(self, reason: str) -> None:
        """Ask the run to stop (from a signal, the heartbeat or a limit); the first reason
        is kept."""
        if self.stop_reason is None:
            self.stop_reason = reason
        self.wake.set()

    def admit(
        self, type_name: str, count: int, log: Callable[[str], None]
    ) -> SlotReservation | None:
        """Hold the CPU slots ``count`` instances of ``type_name`` need on this machine
        (``local`` types need none), waiting for them; None when a stop came first.

        On a backend that places jobs by their resources (Ray) the job already holds them
        where it runs: nothing is reserved here.
        """
        wanted = instance_type(type_name, self.settings.price_table).vcpus * count
        slots = SlotReservation(self.settings.locks_dir, 0, self.settings.cpu_slots)
        if self.settings.backend != "local" or not wanted:
            return slots
        slots = SlotReservation(self.settings.locks_dir, wanted, self.settings.cpu_slots)
        if wanted > self.settings.cpu_slots:
            log(
                f"sabio: {type_name} x{count} asks for {wanted} vCPUs but this machine has "
                f"{self.settings.cpu_slots} CPU slots; the job gets the whole machine."
            )

        def on_wait() -> None:
            log(f"sabio: waiting for {slots.count} free CPU slot(s)...")

        if not slots.acquire(on_wait=on_wait, should_abort=lambda: self.stop_reason is not None):
            return None
        # A stop recorded while it waited may not have reached the heartbeat yet (a stopped
        # tuning job frees one trial's slots as it stops the queued ones): look once more.
        if self.jobs.get(self.name).stop_requested:
            slots.release()
            self.request_stop(USER_STOP)
            return None
        log(f"Holding {slots.count} CPU slot(s) for {type_name}")
        return slots

    def install_signals(self) -> None:
        """SIGTERM and SIGUSR1 (the kernel's stop signal) request a stop."""
        signal.signal(
            signal.SIGTERM, lambda *_: self.request_stop("Stopped: the supervisor got SIGTERM.")
        )
        signal.signal(signal.SIGUSR1, lambda *_: self.request_stop(USER_STOP))

    def claim(self, **values: Any) -> JobRecord:
        """Record this process as the job's supervisor (with ``values``) and look for a stop
        requested before it started; return the record."""
        self.jobs.update(
            self.name,
            supervisor_pid=os.getpid(),
            supervisor_host=socket.gethostname(),
            heartbeat_at=time.time(),
            **values,
        )
        record = self.jobs.get(self.name)
        if record.stop_requested:
            self.request_stop(USER_STOP)
        return record

    def start_heartbeat(self, beat: Callable[[], None] | None = None) -> None:
        """Beat in a daemon thread until :meth:`finish`: record the heartbeat (``beat``
        instead, when given, which must record it too) and read stop requests."""
        self._heartbeat = threading.Thread(
            target=self._beat_loop, args=(beat,), daemon=True, name="heartbeat"
        )
        self._heartbeat.start()

    def _beat_loop(self, beat: Callable[[], None] | None) -> None:
        while not self._finished.wait(HEARTBEAT_SECONDS):
            try:
                if beat is None:
                    self.jobs.heartbeat(self.name)
                else:
                    beat()
                if self.jobs.get(self.name).stop_requested:
                    self.request_stop(USER_STOP)
            except Exception as exc:  # keep beating through transient database errors
                self.log(f"sabio: heartbeat error: {exc}")

    def log(self, line: str) -> None:
        """Write a line to the supervisor's log (its standard output)."""
        print(line, flush=True)

    def stop_heartbeat(self) -> None:
        """End the heartbeat thread (waiting for a beat in progress)."""
        self._finished.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=HEARTBEAT_SECONDS * 5)

    def end_leftovers(self, grace: float) -> list[int]:
        """End what this supervisor's workers left running in its process group (processes
        a user's handler started in the background), logging it; returns their pids.
        Nothing happens where the supervisor does not lead its own group (run in-process)."""
        me = os.getpid()
        if os.getpgid(0) != me:
            return []
        left = end_process_group(me, grace, spare=me)
        if left:
            self.log(
                f"sabio: the job's processes left {len(left)} process(es) running (pid "
                f"{', '.join(map(str, left))}); they were stopped (SIGTERM, then SIGKILL after "
                f"{grace:.0f} s)."
            )
        return left

    def finish(self) -> None:
        """Stop the heartbeat and write the ``done`` marker: the outcome is recorded."""
        self.stop_heartbeat()
        (self.folder / "done").write_text(str(time.time()))
