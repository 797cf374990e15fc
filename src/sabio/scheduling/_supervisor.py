"""The scheduler process: ``python -m sabio.scheduling._supervisor <dir>``.

A supervised job like any other (heartbeat, stop requests, ``done`` marker, reconciled when
it dies): every ``poll_seconds`` it runs one :func:`~sabio.scheduling._tick.tick` and writes
what it started to its log, until it is asked to stop.
"""

from __future__ import annotations

import threading
import time
import traceback
from pathlib import Path
from typing import Any

from sabio import supervision
from sabio._config import Settings, load_settings
from sabio.scheduling._kind import SCHEDULER
from sabio.scheduling._spec import SchedulerSpec
from sabio.scheduling._tick import tick

__all__ = ["SchedulerProgram", "Supervisor"]


class Supervisor(supervision.Supervisor):
    """Runs the scheduler loop until stopped."""

    def __init__(self, folder: Path, settings: Settings) -> None:
        super().__init__(SCHEDULER, folder, settings)
        self.spec = SchedulerSpec.model_validate_json((folder / "spec.json").read_text())
        self._log = (folder / "logs.txt").open("a", encoding="utf-8", buffering=1)
        self._log_lock = threading.Lock()

    def log(self, line: str) -> None:
        """Append a time-stamped line to the scheduler's log."""
        with self._log_lock:
            self._log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")

    def run(self) -> int:
        """Tick until a stop request; returns the exit status."""
        self.claim(started_at=time.time())
        self.start_heartbeat()
        try:
            self.log(f"Scheduler {self.name} started (every {self.spec.poll_seconds:g} s)")
            while self.stop_reason is None:
                try:
                    tick(self.settings, self.name, self.log)
                except Exception:  # a database hiccup must not end the scheduler
                    self.log(traceback.format_exc())
                self.wake.wait(self.spec.poll_seconds)
            self.log(f"Stopped: {self.stop_reason}")
            self.jobs.transition(self.name, "Stopped", message=self.stop_reason)
            return 0
        except Exception as exc:
            self.log(traceback.format_exc())
            reason = f"InternalServerError: {type(exc).__name__}: {exc}"
            self.jobs.transition(
                self.name, "Failed", failure_reason=supervision.failure_reason(reason)
            )
            return 1
        finally:
            self.finish()
            self._log.close()


class SchedulerProgram(supervision.Program):
    """The scheduler's supervisor program."""

    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        supervisor = Supervisor(folder, load_settings())
        supervisor.install_signals()
        return supervisor.run()


if __name__ == "__main__":
    supervision.main(SCHEDULER, SchedulerProgram())
