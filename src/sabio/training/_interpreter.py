"""The CPython internals the warm start of a built-in cannot do without, wrapped once.

A pre-forked child becomes the built-in's program (``sabio.training._warm``) and must end as
``python -m`` ends: join non-daemon threads, run the program's exit handlers, flush. It
cannot end through the interpreter's own shutdown, which would also finalise everything the
standby imported (seconds with torch loaded, and unsafe for native state shared across the
fork), so it does those steps itself and then ``os._exit``. The standard library has no
public call for three of them, so they are here, each with the reason, and tested in
``tests/training/test_interpreter.py`` against the running interpreter:

- :func:`forget_exit_handlers`: the standby's ``atexit`` handlers are not the program's;
  ``atexit.unregister`` needs each function, which the standby's imports never expose.
- :func:`join_non_daemon_threads`: ``threading._shutdown`` is what the interpreter calls at
  exit to wait for non-daemon threads (``threading.enumerate`` + ``join`` would also join
  threads started by ``threading._register_atexit`` users such as ``concurrent.futures``
  in the wrong order).
- :func:`run_exit_handlers`: ``atexit._run_exitfuncs`` runs the handlers in the interpreter's
  order (last registered first) and reports their errors as the interpreter does.
"""

from __future__ import annotations

import atexit
import threading

__all__ = ["forget_exit_handlers", "join_non_daemon_threads", "run_exit_handlers"]


def forget_exit_handlers() -> None:
    """Drop every registered ``atexit`` handler."""
    atexit._clear()


def join_non_daemon_threads() -> None:
    """Wait for non-daemon threads as the interpreter does at exit (never raises)."""
    try:
        threading._shutdown()  # type: ignore[attr-defined]
    except Exception:  # a thread that cannot be joined must not change the exit status
        pass


def run_exit_handlers() -> None:
    """Run the registered ``atexit`` handlers, last registered first."""
    atexit._run_exitfuncs()
