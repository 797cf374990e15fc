"""Recognising detached supervisor processes by pid (sabio.supervision._process)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tests._wait import wait_until

from sabio.supervision._process import end_children, process_alive


def test_process_alive_recognises_the_module_and_rejects_other_programs() -> None:
    child = subprocess.Popen([sys.executable, "-m", "http.server", "0", "-b", "127.0.0.1"])
    try:
        # Until exec completes the child's command line is not yet its own (empty while the
        # kernel swaps images, which counts as alive): wait for the new program's.
        cmdline = Path(f"/proc/{child.pid}/cmdline")
        wait_until(lambda: b"http.server" in cmdline.read_bytes(), what="the child's exec")
        assert process_alive(child.pid, "http.server")
        assert not process_alive(child.pid, "sabio.serving._server")  # a reused pid
    finally:
        child.kill()
        child.wait()
    assert not process_alive(child.pid, "http.server")


def test_process_alive_counts_zombies_as_dead() -> None:
    child = subprocess.Popen([sys.executable, "-m", "json.tool", os.devnull])
    wait_until(
        lambda: not process_alive(child.pid, "json.tool"), what="the child to exit"
    )  # exited, not yet reaped: a zombie
    child.wait()


def _kernel_thread() -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
            if int(fields[6]) & 0x00200000 and not (entry / "cmdline").read_bytes():
                return int(entry.name)
        except (OSError, IndexError, ValueError):
            continue
    return None


def test_process_alive_counts_kernel_threads_as_not_ours() -> None:
    pid = _kernel_thread()
    if pid is None:
        pytest.skip("no kernel thread visible in this pid namespace")
    # No command line, like an exiting process, but a kernel thread is never our supervisor.
    assert not process_alive(pid, "sabio.serving._server")


def test_finish_child_exits_with_the_status_or_1_and_logs_the_traceback(tmp_path: Path) -> None:
    program = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from sabio.supervision._process import finish_child, log_output_to\n"
        "def boom():\n"
        "    raise ValueError('broken model folder')\n"
        "run = boom if sys.argv[2] == 'boom' else (lambda: 7)\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    log_output_to(Path(sys.argv[1]))\n"
        "    finish_child(run)\n"
        "sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))\n"
    )
    for kind, expected in (("seven", 7), ("boom", 1)):
        log = tmp_path / f"{kind}.log"
        done = subprocess.run([sys.executable, "-c", program, str(log), kind], check=False)
        assert done.returncode == expected
    assert "ValueError: broken model folder" in (tmp_path / "boom.log").read_text()
    assert (tmp_path / "seven.log").read_text() == ""


def _ignore_sigterm_then_wait(ready: Any) -> None:
    """A pool worker that still has its parent's SIGTERM handler (here: one that ignores it)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(120)


def _wait_forever(ready: Any) -> None:
    """A pool worker with the default SIGTERM action (whatever its parent had installed)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    ready.set()
    time.sleep(120)


def test_end_children_terminates_and_kills_what_ignores_sigterm() -> None:
    context = multiprocessing.get_context("fork")
    events = [context.Event(), context.Event()]
    children = [
        context.Process(target=_wait_forever, args=(events[0],)),
        context.Process(target=_ignore_sigterm_then_wait, args=(events[1],)),
    ]
    for child in children:
        child.start()
    for event in events:
        assert event.wait(30)
    started = time.monotonic()
    assert end_children(grace=0.5) == 2
    assert time.monotonic() - started < 10
    assert [child.is_alive() for child in children] == [False, False]
    assert children[0].exitcode == -signal.SIGTERM
    assert children[1].exitcode == -signal.SIGKILL
