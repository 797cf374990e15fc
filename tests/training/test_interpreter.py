"""The wrapped CPython internals behave as the interpreter's exit does (in a fresh process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROGRAM = textwrap.dedent(
    """
    import atexit, os, threading, time
    from sabio.training._interpreter import (
        forget_exit_handlers, join_non_daemon_threads, run_exit_handlers,
    )

    atexit.register(print, "parent handler")
    forget_exit_handlers()
    atexit.register(print, "first registered")
    atexit.register(print, "last registered")
    done = []
    threading.Thread(target=lambda: (time.sleep(0.2), done.append(1))).start()
    join_non_daemon_threads()
    print("joined", done)
    run_exit_handlers()
    os._exit(0)
    """
)


def test_exit_steps_drop_old_handlers_join_threads_and_run_handlers_in_order() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.splitlines() == ["joined [1]", "last registered", "first registered"]
