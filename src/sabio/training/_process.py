"""Running the program of one host: output pumping, metrics, stopping."""

from __future__ import annotations

import collections
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sabio.supervision._process import end_process_group, kill_process_group

if TYPE_CHECKING:
    from sabio.training._warm import PreForked

__all__ = ["LEFTOVER_GRACE_SECONDS", "HostProcess"]

#: When a program's entry point exits, what it left running gets SIGTERM, and this many
#: seconds later SIGKILL.
LEFTOVER_GRACE_SECONDS = 5.0
#: How long the output is read after that; longer only when a process that left the
#: program's group holds it.
OUTPUT_DRAIN_SECONDS = 5.0

LineSink = Callable[[str, str, str], None]  # (host, stream, line)


class HostProcess:
    """One host's program, with threads that pump stdout/stderr into ``sink``."""

    def __init__(
        self,
        host: str,
        command: list[str],
        cwd: Path,
        env: dict[str, str],
        sink: LineSink,
        done: threading.Event,
        warm: PreForked | None = None,
    ) -> None:
        self.host = host
        self.command = command
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
        #: Whether the program started from a pre-imported fork (see ``_warm``).
        self.warm = False
        self.proc: Any = None
        if warm is not None:
            try:
                self.proc = warm.start(command, cwd, env)
                self.warm = True
            except OSError:
                self.proc = None  # the child is gone: start a fresh process instead
        if self.proc is None:
            self.proc = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                process_group=0,  # its own group: what it starts ends with it
            )
        self._ended = threading.Event()
        self._sink = sink
        self._threads = [
            threading.Thread(
                target=self._pump, args=(self.proc.stdout, "stdout", sink), daemon=True
            ),
            threading.Thread(
                target=self._pump, args=(self.proc.stderr, "stderr", sink), daemon=True
            ),
            threading.Thread(target=self._wait, args=(done,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump(self, stream: IO[bytes] | None, name: str, sink: LineSink) -> None:
        if stream is None:
            return
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            if name == "stderr":
                self.stderr_tail.append(line)
            sink(self.host, name, line)
        stream.close()

    def _wait(self, done: threading.Event) -> None:
        self.proc.wait()
        # The job ends when its entry point exits: what it left running in its process
        # group (a background child still holding stdout would keep the job going) is ended.
        left = end_process_group(self.proc.pid, LEFTOVER_GRACE_SECONDS)
        if left:
            self._say(
                f"sabio: the entry point exited and left {len(left)} process(es) running "
                f"(pid {', '.join(map(str, left))}); they were stopped (SIGTERM, then SIGKILL "
                f"after {LEFTOVER_GRACE_SECONDS:.0f} s)."
            )
        for thread in self._threads[:2]:
            thread.join(OUTPUT_DRAIN_SECONDS)
        if any(thread.is_alive() for thread in self._threads[:2]):
            # A process that left the group (setsid) still holds the output: stop reading.
            self._say(
                "sabio: a process outside the program's process group still holds its output; "
                "the rest of its output is not recorded."
            )
        self._ended.set()
        done.set()

    def _say(self, line: str) -> None:
        self._sink(self.host, "sabio", line)

    @property
    def finished(self) -> bool:
        """Whether the program exited, what it left running was ended and its output has been
        read to the end."""
        return self._ended.is_set()

    def terminate(self, grace_seconds: float) -> None:
        """SIGTERM to the program's process group, then SIGKILL after the grace period
        (SageMaker's stop behaviour)."""
        if self.proc.poll() is not None:
            return
        end_process_group(self.proc.pid, grace_seconds)
        self.proc.wait()

    def kill(self) -> None:
        """Kill the program's process group at once (its instance is lost)."""
        if self.proc.poll() is None:
            kill_process_group(self.proc.pid)

    def join(self, timeout: float = 5.0) -> None:
        """Wait for the output threads to finish."""
        for thread in self._threads:
            thread.join(timeout)
