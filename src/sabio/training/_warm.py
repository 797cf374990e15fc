"""Warm start of built-in programs: fork a pre-imported process instead of starting Python.

A built-in program (``python -m sabio.algorithms.<name>``) spends seconds importing numpy,
pandas, scikit-learn, skops, xgboost or torch before it prints a line. The local backend's
standby supervisor imports a built-in's modules once (:func:`warm_up`; import only, so no
OpenMP/BLAS/torch thread pool exists yet). A supervisor forked from that standby then forks
one child per host *before* it starts any thread (:func:`prefork`), so the fork is safe; each
child waits on a pipe. When the job reaches its training step, :meth:`PreForked.start` sends
the host's command, working folder and environment, and the child turns itself into the
program exactly as ``python -m`` would: same ``os.environ``, ``sys.argv``, ``sys.path``
(working folder first, then ``PYTHONPATH``), stdin from ``/dev/null``, stdout/stderr on the
supervisor's pipes with the interpreter's buffering, default signal dispositions, thread
limits from ``OMP_NUM_THREADS``, and Python's exit-status rules. It stays a direct child of
the supervisor, in its process group, so stop signals, ``max_run``, process-group cleanup and
``RUSAGE_CHILDREN`` accounting work unchanged.

Anything the fork cannot reproduce makes the supervisor fall back to a fresh process: a job
environment that changes interpreter start-up variables (``PYTHONHASHSEED``, ``LD_*``, BLAS
thread variables ...), a built-in this standby has not warmed, or a missing pre-forked child.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

from sabio._config import environ
from sabio.algorithms._builtins import builtin_for_program
from sabio.supervision._process import fork_child
from sabio.training._interpreter import (
    forget_exit_handlers,
    join_non_daemon_threads,
    run_exit_handlers,
)

__all__ = ["ForkedProcess", "PreForked", "can_fork", "is_warm", "prefork", "warm_up"]

#: Hosts above this count start cold (each pre-forked child is a full copy-on-write process).
MAX_PREFORK = 8

_WARMED: set[str] = set()

# Variables read once when the interpreter or a native library starts: a fork inherits the
# standby's values, so a job that sets them differently must start a fresh process.
# OMP_NUM_THREADS is applied after the fork (see _limit_threads); PYTHONPATH and
# PYTHONUNBUFFERED are applied by hand.
_STARTUP_PREFIXES = (
    "PYTHON",
    "LD_",
    "MALLOC_",
    "OMP_",
    "KMP_",
    "GOMP_",
    "MKL_",
    "OPENBLAS_",
    "BLIS_",
    "VECLIB_",
    "NUMEXPR_",
    "TORCH_",
    "CUDA_",
    "XGBOOST_",
    "MPL",
    "LC_",
    "LANG",
)
_APPLIED_AFTER_FORK = frozenset({"PYTHONPATH", "PYTHONUNBUFFERED", "OMP_NUM_THREADS"})


def warm_up(modules: Sequence[str]) -> list[str]:
    """Import the built-in programs ``modules`` and what they load lazily; return the ones
    that are now warm.

    A built-in's ``warm_imports`` (:class:`sabio.algorithms.BuiltinAlgorithm`) are the modules
    its program imports inside functions. Modules are imported, never run: no thread pool
    starts here.
    """
    warmed: list[str] = []
    for module in modules:
        if module in _WARMED:
            warmed.append(module)
            continue
        try:
            importlib.import_module(module)
            importlib.import_module(f"{module}.__main__")
            builtin = builtin_for_program(module)
            for extra in builtin.warm_imports if builtin else ():
                importlib.import_module(extra)
        except Exception as exc:  # an uninstalled framework: that built-in simply starts cold
            print(f"sabio: not pre-importing {module}: {exc}", file=sys.stderr)
            continue
        _WARMED.add(module)
        warmed.append(module)
    return warmed


def is_warm(module: str | None) -> bool:
    """Whether this process has pre-imported the built-in program ``module``."""
    return module is not None and module in _WARMED


def can_fork(env: Mapping[str, str]) -> bool:
    """Whether a fork of this process can run a program with environment ``env``."""
    here = environ()
    for key in {*env, *here}:
        if key in _APPLIED_AFTER_FORK or not key.startswith(_STARTUP_PREFIXES):
            continue
        if env.get(key) != here.get(key):
            return False
    return True


class ForkedProcess:
    """The part of :class:`subprocess.Popen` the supervisor uses, for a forked child."""

    def __init__(self, pid: int, args: list[str], stdout: IO[bytes], stderr: IO[bytes]) -> None:
        self.pid = pid
        self.args = args
        self.stdout: IO[bytes] | None = stdout
        self.stderr: IO[bytes] | None = stderr
        self.returncode: int | None = None
        self._done = threading.Condition()
        threading.Thread(target=self._reap, daemon=True, name=f"reap-{pid}").start()

    def _reap(self) -> None:
        # The only waitpid() on this pid, so a stop and the exit cannot race for the status.
        try:
            _, status = os.waitpid(self.pid, 0)
            code = os.waitstatus_to_exitcode(status)
        except ChildProcessError:  # reaped elsewhere: the status is lost
            code = 255
        with self._done:
            self.returncode = code
            self._done.notify_all()

    def poll(self) -> int | None:
        """The exit code, or None while running (negative: killed by that signal)."""
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the exit code.

        Raises:
            subprocess.TimeoutExpired: still running after ``timeout`` seconds.
        """
        with self._done:
            if not self._done.wait_for(lambda: self.returncode is not None, timeout):
                raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
            return self.returncode if self.returncode is not None else -1

    def send_signal(self, sig: int) -> None:
        """Signal the program unless it has already been reaped."""
        with self._done:
            if self.returncode is None:
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        """SIGTERM."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL."""
        self.send_signal(signal.SIGKILL)


class PreForked:
    """A forked child of a warm process waiting for the program it should become."""

    def __init__(self, module: str, pid: int, control: int, stdout: int, stderr: int) -> None:
        self.module = module
        self.pid = pid
        self._fds: list[int] | None = [control, stdout, stderr]

    def start(self, command: list[str], cwd: Path, env: dict[str, str]) -> ForkedProcess:
        """Turn the child into ``command`` (``[python, -m, module, *args]``) and return it.

        Raises:
            OSError: the child is gone (the caller starts a fresh process instead).
        """
        if self._fds is None:
            raise OSError("this pre-forked child was already used")
        control, stdout, stderr = self._fds
        self._fds = None
        try:  # its own process group, as a fresh program gets (set here, before it runs)
            os.setpgid(self.pid, self.pid)
        except OSError:
            pass  # it is gone: writing the request below says so
        request = {"args": command[3:], "cwd": str(cwd), "env": env}
        try:
            with os.fdopen(control, "wb") as pipe:
                pipe.write(json.dumps(request).encode())
        except OSError:
            os.close(stdout)
            os.close(stderr)
            _reap_quietly(self.pid)
            raise
        return ForkedProcess(
            self.pid, command, os.fdopen(stdout, "rb", buffering=0), os.fdopen(stderr, "rb", 0)
        )

    def cancel(self) -> None:
        """Release an unused child: it reads end-of-file, exits at once, and is reaped."""
        if self._fds is None:
            return
        for fd in self._fds:
            os.close(fd)
        self._fds = None
        _reap_quietly(self.pid)


def _reap_quietly(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def prefork(module: str, count: int) -> list[PreForked]:
    """Fork ``count`` children that will each run the warm built-in ``module``.

    Must be called while this process has a single thread. Returns ``[]`` when the module is
    not warm or ``count`` is too large.
    """
    if not is_warm(module) or count > MAX_PREFORK:
        return []
    _flush()  # buffered output must not be written again by the children
    children: list[PreForked] = []
    kept: list[int] = []  # this process's ends of earlier children's pipes
    for _ in range(count):
        control_r, control_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        close = (*kept, control_w, stdout_r, stderr_r)  # the parent's ends, in the child
        pid = fork_child(partial(_child, module, control_r, stdout_w, stderr_w, close))
        for fd in (control_r, stdout_w, stderr_w):
            os.close(fd)
        kept.extend((control_w, stdout_r, stderr_r))
        children.append(PreForked(module, pid, control_w, stdout_r, stderr_r))
    return children


def _child(
    module: str, control: int, stdout: int, stderr: int, close: tuple[int, ...]
) -> int:  # pragma: no cover
    """Body of a pre-forked child: wait for the request, become the program, exit (it never
    returns)."""
    for fd in close:
        os.close(fd)
    code = 1
    try:
        with os.fdopen(control, "rb") as pipe:
            raw = pipe.read()
        if not raw:  # the supervisor did not need this child
            os._exit(0)
        request = json.loads(raw)
        _become(request, stdout, stderr)
        code = _run_main(module)
    except BaseException:  # nothing may escape into the supervisor's code
        try:
            import traceback

            traceback.print_exc()
        finally:
            code = 1
    finally:
        _flush()
        os._exit(code)


def _become(request: dict[str, Any], stdout: int, stderr: int) -> None:  # pragma: no cover
    env: dict[str, str] = request["env"]
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(stdout, 1)
    os.dup2(stderr, 2)
    for fd in (null, stdout, stderr):
        os.close(fd)
    for sig in (signal.SIGTERM, signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # what the interpreter does at start-up
    signal.set_wakeup_fd(-1)
    forget_exit_handlers()  # the standby's exit handlers are not the program's
    at_load = dict(environ())
    inherited_path = at_load.get("PYTHONPATH", "")
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(env)
    base = [p for p in sys.path[1:] if p not in inherited_path.split(os.pathsep)]
    extra = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [request["cwd"], *extra, *base]
    sys.argv = [sys.argv[0], *request["args"]]
    _reopen_stdio(bool(env.get("PYTHONUNBUFFERED")))
    _limit_threads(env.get("OMP_NUM_THREADS"), at_load)
    if "numpy" in sys.modules:  # a fresh interpreter seeds numpy's global RNG from the OS
        sys.modules["numpy"].random.seed()


def _reopen_stdio(unbuffered: bool) -> None:  # pragma: no cover
    encoding = sys.__stdout__.encoding if sys.__stdout__ is not None else "utf-8"
    errors = sys.__stdout__.errors if sys.__stdout__ is not None else "strict"
    sys.stdin = io.TextIOWrapper(
        io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding=encoding, errors=errors
    )
    streams = []
    for fd, stream_errors, line_buffering in ((1, errors, False), (2, "backslashreplace", True)):
        raw = io.FileIO(fd, "w", closefd=False)
        buffer: Any = raw if unbuffered else io.BufferedWriter(raw)
        streams.append(
            io.TextIOWrapper(
                buffer,
                encoding=encoding,
                errors=stream_errors,
                line_buffering=line_buffering and not unbuffered,
                write_through=unbuffered,
            )
        )
    sys.stdout, sys.stderr = streams
    # A fresh interpreter's originals are these streams too (faulthandler and friends).
    originals = {"__stdin__": sys.stdin, "__stdout__": sys.stdout, "__stderr__": sys.stderr}
    for name, stream in originals.items():
        setattr(sys, name, stream)


def _limit_threads(value: str | None, at_load: Mapping[str, str]) -> None:  # pragma: no cover
    """Apply the job's ``OMP_NUM_THREADS`` to libraries that read it when they were loaded
    (``at_load`` is the environment they saw)."""
    if not value or value == at_load.get("OMP_NUM_THREADS"):
        return
    try:
        threads = int(value)
        from threadpoolctl import threadpool_limits
    except (ValueError, ImportError):
        return
    threadpool_limits(limits=threads, user_api="openmp")
    if not any(key in at_load for key in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")):
        # A fresh BLAS would also have sized its pool from OMP_NUM_THREADS.
        threadpool_limits(limits=threads, user_api="blas")


def _run_main(module: str) -> int:  # pragma: no cover
    """``runpy`` the package's ``__main__`` as ``python -m`` does; return the exit status."""
    import runpy

    # warm_up imported it under its own name; runpy warns when it finds it there.
    sys.modules.pop(f"{module}.__main__", None)
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as exc:
        status = _exit_status(exc.code)
    except BaseException:  # reported as the interpreter would
        sys.excepthook(*sys.exc_info())
        status = 1
    join_non_daemon_threads()
    run_exit_handlers()
    return status


def _exit_status(code: object) -> int:  # pragma: no cover
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _flush() -> None:  # pragma: no cover
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # a closed pipe must not change the exit status
            pass
