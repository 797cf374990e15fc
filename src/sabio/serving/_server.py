"""The supervisor of one endpoint: ``python -m sabio.serving._server <endpoint-dir>``.

It owns the endpoint's state. It fetches the model, binds the listening socket, forks
``InitialInstanceCount`` workers that share it (each loads the model once), marks the
endpoint ``InService``, then beats a heartbeat, restarts crashed workers and swaps models:
on an update the new workers load and start accepting on the same socket before the old
ones shut down gracefully, so no request fails. The loop is single-threaded, which keeps
forking workers safe.

Faults: a worker that dies (while loading or serving) is replaced, and only more than
``MAX_CRASHES`` deaths within ``CRASH_WINDOW_SECONDS`` fail the endpoint; a model that
reports a load error fails it at once (it would fail again). Every worker watches a pipe
whose only writer is the supervisor: when the supervisor dies, even by SIGKILL, the pipe
reads end-of-file and the workers stop rather than serve unsupervised. A SIGTERM from
outside sabio fails the endpoint with a reason that says so.
"""

from __future__ import annotations

import collections
import contextlib
import os
import select
import shutil
import signal
import socket
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sabio import supervision
from sabio._config import Settings, load_settings
from sabio.inference import Handlers, ModelSpec, prepare_model
from sabio.inference._kind import MODEL
from sabio.serving._kind import ENDPOINT
from sabio.serving._procs import exit_text, listen, reaped, send_signal
from sabio.serving._spec import EndpointSpec
from sabio.supervision._process import fork_child

__all__ = ["EndpointProgram", "EndpointServer"]

READY_TIMEOUT_SECONDS = 600.0
STOP_GRACE_SECONDS = 10.0

#: More crashes than this within ``CRASH_WINDOW_SECONDS`` fail the endpoint.
MAX_CRASHES = 5
CRASH_WINDOW_SECONDS = 60.0


@dataclass
class _Worker:
    pid: int
    generation: int
    ready_fd: int


class _Refused(Exception):
    """Starting workers failed; the message is the reason recorded in the catalog."""


class _TooManyCrashes(_Refused):
    """Workers died more often than the endpoint tolerates."""


class _Crashed(Exception):
    """A worker died while loading without reporting an error (killed, a crash)."""


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} sabio-server[{os.getpid()}] {message}", flush=True)


def _reason(exc: BaseException) -> str:
    from sabio.exceptions import SabioError

    text = str(exc) if isinstance(exc, SabioError | _Refused) else f"{type(exc).__name__}: {exc}"
    return supervision.failure_reason(text)


class EndpointServer(supervision.Supervisor):
    """Runs one endpoint until it is deleted. Construct with its folder; call :meth:`run`.

    Its loop is single-threaded (forking workers stays safe), so it beats the heartbeat
    itself rather than from the kernel's heartbeat thread.
    """

    def __init__(self, folder: Path, settings: Settings) -> None:
        super().__init__(ENDPOINT, folder, settings)
        self.sock: socket.socket | None = None
        self.workers: dict[int, _Worker] = {}
        self.retiring: dict[int, _Worker] = {}
        self.generation = 0
        self.handlers: Handlers | None = None
        self.spec: EndpointSpec | None = None
        self.environment: dict[str, str] = {}
        self.model_name: str | None = None
        self._stop = False
        self._check = False
        self._crashes: collections.deque[float] = collections.deque()
        self._terminated = False  # SIGTERM received
        # Workers watch the read end; the supervisor is the only holder of the write end.
        self._life_r, self._life_w = os.pipe()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        os.set_blocking(self._wake_r, False)

    # ------------------------------------------------------------- signals
    def _on_signal(self, signum: int, _frame: Any) -> None:
        if signum in (signal.SIGTERM, signal.SIGUSR1):
            self._terminated = self._terminated or signum == signal.SIGTERM
            self._stop = True
        elif signum == signal.SIGHUP:
            self._check = True

    def _install_signals(self) -> None:
        signal.set_wakeup_fd(self._wake_w)
        for signum in (signal.SIGTERM, signal.SIGUSR1, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(signum, self._on_signal)

    def request_stop(self, reason: str) -> None:
        super().request_stop(reason)
        self._stop = True

    # ---------------------------------------------------------------- run
    def run(self) -> int:
        """Serve until deleted; returns the process exit code."""
        self._install_signals()
        spec = EndpointSpec.model_validate(self.claim().spec)
        try:
            self.sock = listen(spec.host, spec.port)
            self._start_generation(spec)
        except Exception as exc:
            reason = _reason(exc)
            _log(f"endpoint {self.name} failed: {reason}")
            if not isinstance(exc, _Refused):
                traceback.print_exc()
            self._shutdown()
            self.jobs.transition(self.name, "Failed", failure_reason=reason)
            self.finish()
            return 1
        host, port = self.sock.getsockname()[:2]
        url = f"http://{host}:{port}"
        applied = self.jobs.transition(
            self.name,
            "InService",
            only_from=("Creating",),
            started_at=time.time(),
            details=self._details(Url=url, Port=port),
        )
        if applied:
            _log(f"endpoint {self.name} is InService at {url} with {len(self.workers)} worker(s)")
            self._loop()
        self._shutdown()
        self._record_termination()
        self.finish()
        return 0

    def _record_termination(self) -> None:
        """A SIGTERM that was not a delete (a `kill`, a service manager, a shutdown) stopped
        the endpoint: say so, rather than leave it for a reader to find a dead process."""
        if not self._terminated:
            return
        record = self.jobs.get(self.name)
        if record.stop_requested or record.status not in ENDPOINT.active:
            return
        reason = (
            f"The model server (pid {os.getpid()}) of endpoint {self.name!r} got SIGTERM from "
            "outside sabio (a `kill`, a service manager or a system shutdown) and stopped its "
            "workers. Delete the endpoint and deploy it again."
        )
        _log(reason)
        self.jobs.transition(self.name, "Failed", failure_reason=supervision.failure_reason(reason))

    def _details(self, **extra: Any) -> dict[str, Any]:
        return {"ModelName": self.model_name, "Workers": sorted(self.workers), **extra}

    # ------------------------------------------------------------- workers
    def _start_generation(self, spec: EndpointSpec) -> None:
        """Fetch the model of ``spec`` and start its workers; raise if any fails to load."""
        model_name = spec.model_name
        model = ModelSpec.model_validate(self.catalog.jobs(MODEL).get(model_name).spec)
        generation = self.generation + 1
        _model_dir, handlers = prepare_model(
            self.settings, model, self.folder / f"gen-{generation}"
        )
        environment = dict(model.environment)
        started = self._start_ready(handlers, generation, spec, environment, spec.instance_count)
        old = list(self.workers.values())
        self.workers = {w.pid: w for w in started}
        self.generation, self.handlers, self.spec = generation, handlers, spec
        self.environment, self.model_name = environment, model_name
        for worker in old:  # the new workers already accept: let the old ones finish
            self.retiring[worker.pid] = worker
            send_signal(worker.pid, signal.SIGTERM)

    def _start_ready(
        self,
        handlers: Handlers,
        generation: int,
        spec: EndpointSpec,
        env: dict[str, str],
        count: int,
    ) -> list[_Worker]:
        """Fork ``count`` workers and wait until each has loaded the model. A worker that
        dies while loading is replaced (a crash counts towards the endpoint's tolerance);
        one that reports a load error stops them all (raises :class:`_Refused`)."""
        pending = [self._fork(handlers, generation, spec, env) for _ in range(count)]
        ready: list[_Worker] = []
        try:
            while pending:
                worker = pending[0]
                try:
                    self._await_ready([worker])
                except _Crashed as exc:
                    pending.pop(0)
                    self._count_crash(str(exc))
                    pending.append(self._fork(handlers, generation, spec, env))
                    continue
                ready.append(pending.pop(0))
        except BaseException:
            self._stop_workers([*ready, *pending])
            raise
        return ready

    def _count_crash(self, what: str) -> None:
        """Count a worker's death; raise :class:`_Refused` past the tolerance."""
        now = time.monotonic()
        self._crashes.append(now)
        while self._crashes and now - self._crashes[0] > CRASH_WINDOW_SECONDS:
            self._crashes.popleft()
        _log(what)
        if len(self._crashes) > MAX_CRASHES:
            raise _TooManyCrashes(
                f"Workers crashed {len(self._crashes)} times within {CRASH_WINDOW_SECONDS:g} s "
                f"(the last one {what.split(' ', 2)[-1]}); the endpoint was stopped. See "
                f"`sabio endpoints logs {self.name}`."
            )
        _log(
            f"starting a new worker ({len(self._crashes)} crash(es) within the last "
            f"{CRASH_WINDOW_SECONDS:g} s; more than {MAX_CRASHES} fail the endpoint)"
        )

    def _fork(
        self, handlers: Handlers, generation: int, spec: EndpointSpec, env: dict[str, str]
    ) -> _Worker:
        if self.sock is None:
            raise RuntimeError("the socket is not bound")
        ready_r, ready_w = os.pipe()
        sock = self.sock
        pid = fork_child(lambda: self._run_worker(sock, ready_r, ready_w, handlers, spec, env))
        os.close(ready_w)
        return _Worker(pid, generation, ready_r)

    def _run_worker(
        self,
        sock: socket.socket,
        ready_r: int,
        ready_w: int,
        handlers: Handlers,
        spec: EndpointSpec,
        env: dict[str, str],
    ) -> int:
        """The body of a forked worker: drop the supervisor's descriptors, signal handlers
        and database connections, then serve requests until told to stop."""
        os.close(ready_r)
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGTERM, signal.SIGUSR1, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        os.close(self._wake_r)
        os.close(self._wake_w)
        os.close(self._life_w)  # the supervisor must stay the only writer
        from sabio.catalog._engine import dispose_all
        from sabio.serving._worker import serve

        dispose_all(close=False)  # the parent's database connections are not ours
        return serve(
            sock,
            handlers,
            endpoint=self.name,
            spec=spec,
            environment=env,
            ready_fd=ready_w,
            metrics_dir=self.folder / "metrics",
            watch_fd=self._life_r,
        )

    def _await_ready(self, workers: list[_Worker]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        for worker in workers:
            answer = b""
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _Refused(
                        f"The model did not load within {READY_TIMEOUT_SECONDS:g} s in worker "
                        f"{worker.pid}."
                    )
                readable, _, _ = select.select([worker.ready_fd], [], [], remaining)
                if not readable:
                    continue
                chunk = os.read(worker.ready_fd, 65536)
                if not chunk:
                    break
                answer += chunk
            os.close(worker.ready_fd)
            if not answer:  # it died without a word: a crash or a kill, worth another try
                try:
                    _, status = os.waitpid(worker.pid, 0)
                except ChildProcessError:
                    raise _Crashed(f"worker {worker.pid} ended while loading the model") from None
                raise _Crashed(f"worker {worker.pid} {exit_text(status)} while loading the model")
            if answer != b"ok":
                raise _Refused(answer.decode("utf-8", errors="replace").strip())

    def _await_retired(self) -> None:
        """Wait (bounded) until the old generation's workers have drained and exited.

        Only then does the update report success, so a client's kept-alive connection to an
        old worker cannot be answered by the old model after ``update_endpoint`` returns.
        """
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while self.retiring and time.monotonic() < deadline:
            self._reap()
            if self.retiring:
                time.sleep(0.01)
        for pid in list(self.retiring):
            send_signal(pid, signal.SIGKILL)
        self._reap()

    def _stop_workers(self, workers: list[_Worker]) -> None:
        for worker in workers:
            send_signal(worker.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        pending = {w.pid for w in workers}
        while pending and time.monotonic() < deadline:
            for pid in list(pending):
                if reaped(pid):
                    pending.discard(pid)
            if pending:
                time.sleep(0.02)
        for pid in pending:
            send_signal(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        for worker in workers:
            self.workers.pop(worker.pid, None)
            self.retiring.pop(worker.pid, None)

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if self.retiring.pop(pid, None) is not None:
                self._clean_generations()
                continue
            worker = self.workers.pop(pid, None)
            if worker is None or self._stop:
                continue
            self._restart(f"worker {pid} {exit_text(status)} while serving")

    def _restart(self, what: str) -> None:
        if self.handlers is None or self.spec is None:
            return
        try:
            self._count_crash(what)
            (worker,) = self._start_ready(
                self.handlers, self.generation, self.spec, self.environment, 1
            )
        except _TooManyCrashes as exc:
            self._fail(str(exc))
            return
        except Exception as exc:
            self._fail(f"A restarted worker could not load the model: {_reason(exc)}")
            return
        self.workers[worker.pid] = worker
        self.jobs.update(self.name, details={"Workers": sorted(self.workers)})

    def _fail(self, reason: str) -> None:
        _log(reason)
        self.jobs.transition(self.name, "Failed", failure_reason=supervision.failure_reason(reason))
        self._stop = True

    def _clean_generations(self) -> None:
        live = {w.generation for w in (*self.workers.values(), *self.retiring.values())}
        for folder in self.folder.glob("gen-*"):
            number = folder.name.removeprefix("gen-")
            if number.isdigit() and int(number) not in live and int(number) < self.generation:
                shutil.rmtree(folder, ignore_errors=True)

    # ---------------------------------------------------------------- loop
    def _loop(self) -> None:
        next_beat = time.monotonic() + supervision.HEARTBEAT_SECONDS
        while not self._stop:
            timeout = max(0.0, next_beat - time.monotonic())
            with contextlib.suppress(InterruptedError):
                select.select([self._wake_r], [], [], timeout)
            with contextlib.suppress(BlockingIOError):
                while os.read(self._wake_r, 4096):
                    pass
            self._reap()
            if self._stop:
                break
            if self._check or time.monotonic() >= next_beat:
                self._check = False
                next_beat = time.monotonic() + supervision.HEARTBEAT_SECONDS
                try:
                    self._beat()
                except Exception as exc:  # keep serving through transient database errors
                    _log(f"heartbeat error: {type(exc).__name__}: {exc}")

    def _capture_counts(self) -> dict[str, int] | None:
        """The workers' data-capture counts (None when the endpoint captures nothing)."""
        if not (self.spec and self.spec.data_capture_config):
            return None
        from sabio.serving._metrics import capture_totals

        return capture_totals(self.folder / "metrics")

    def _beat(self) -> None:
        self.jobs.heartbeat(self.name)
        record = self.jobs.get(self.name)
        capture = self._capture_counts()
        if capture is not None and capture != record.details.get("DataCapture"):
            self.jobs.update(self.name, details={"DataCapture": capture})
        if record.stop_requested or record.status in ("Deleting", "Failed"):
            self._stop = True
            return
        spec = EndpointSpec.model_validate(record.spec)
        wanted = (spec.model_name, spec.instance_count)
        if wanted != (self.model_name, len(self.workers)):
            self._update(spec)

    def _update(self, spec: EndpointSpec) -> None:
        _log(f"updating to model {spec.model_name!r} x{spec.instance_count}")
        previous = spec.model_copy(
            update={"model_name": self.model_name, "instance_count": len(self.workers)}
        )
        try:
            self._start_generation(spec)
        except Exception as exc:
            reason = f"Updating to model {spec.model_name!r} failed: {_reason(exc)}"
            _log(reason)
            # Keep serving the old model, as SageMaker rolls back a failed update.
            self.jobs.update(self.name, spec=previous.model_dump(mode="json"))
            self.jobs.transition(
                self.name,
                "InService",
                failure_reason=supervision.failure_reason(reason),
                details={"LastUpdateStatus": "Failed"},
            )
            return
        self._await_retired()
        self.jobs.transition(
            self.name,
            "InService",
            failure_reason=None,
            details=self._details(LastUpdateStatus="Successful"),
        )
        _log(f"now serving model {self.model_name!r} with {len(self.workers)} worker(s)")

    def _shutdown(self) -> None:
        self._stop = True
        self._stop_workers([*self.workers.values(), *self.retiring.values()])
        if self.sock is not None:
            self.sock.close()
        shutil.rmtree(self.folder / f"gen-{self.generation}", ignore_errors=True)
        capture = self._capture_counts()
        if capture is not None:  # the log outlives the endpoint (delete_endpoint keeps it)
            _log(
                f"data capture: {capture.get('written', 0)} event(s) written, "
                f"{capture.get('dropped', 0)} dropped"
            )
        _log(f"endpoint {self.name} stopped")


class EndpointProgram(supervision.Program):
    """The endpoint supervisor program; its warm pool pre-imports the model server."""

    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        return EndpointServer(folder, load_settings()).run()


if __name__ == "__main__":
    supervision.main(ENDPOINT, EndpointProgram())
