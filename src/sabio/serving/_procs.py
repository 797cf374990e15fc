"""Process helpers of the endpoint supervisor: the listening socket, signals, reaping,
and how a worker ended, in words."""

from __future__ import annotations

import contextlib
import os
import signal
import socket

__all__ = ["exit_text", "listen", "reaped", "send_signal"]


def exit_text(status: int) -> str:
    """How a process ended, from its wait status: the signal by name, or the exit code."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        hint = " (out of memory, or killed)" if number == signal.SIGKILL else ""
        return f"was killed by {name}{hint}"
    code = os.waitstatus_to_exitcode(status)
    if code == 0:  # a worker ends cleanly only when asked to
        return "exited with code 0 after a SIGTERM or SIGINT"
    return f"exited with code {code}"


def listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def send_signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def reaped(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid
