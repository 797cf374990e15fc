"""Running the program of one host: output pumping, metrics, stopping."""

from __future__ import annotations

import collections
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sabio.training._warm import PreForked

__all__ = ["HostProcess"]

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
            )
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
        for thread in self._threads[:2]:
            thread.join()
        done.set()

    @property
    def finished(self) -> bool:
        """Whether the program exited and its output has been read to the end."""
        return self.proc.returncode is not None and not any(t.is_alive() for t in self._threads[:2])

    def terminate(self, grace_seconds: float) -> None:
        """SIGTERM, then SIGKILL after the grace period (SageMaker's stop behaviour)."""
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def join(self, timeout: float = 5.0) -> None:
        """Wait for the output threads to finish."""
        for thread in self._threads:
            thread.join(timeout)
