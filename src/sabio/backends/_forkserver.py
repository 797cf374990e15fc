"""The loop of a simple standby ("fork server"): fork one supervisor per folder it is sent.

Endpoint and transform supervisors start in a few milliseconds when a warm standby that has
done their imports forks them: the submitting process writes a folder per line on the
standby's stdin and reads the forked supervisor's pid from its stdout. The standby exits at
end-of-file, when the submitting process is gone. (Training jobs use a richer standby with
spare supervisors forked ahead: ``sabio.training._standby``.)
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from sabio.backends._process import finish_child, log_output_to

__all__ = ["serve_fork_requests"]


def serve_fork_requests(run: Callable[[Path], int]) -> int:
    """Fork ``run(folder)`` in a new session for each folder read from stdin; answer its pid.

    The child's stdin is ``/dev/null`` and its stdout/stderr go to ``<folder>/supervisor.log``;
    it drops the catalog connections inherited from the standby and exits with ``run``'s
    status (1 when it raised, after printing the traceback to that log).
    """
    from sabio.catalog._engine import dispose_all

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps forked supervisors
    for raw in sys.stdin.buffer:
        folder = raw.decode().strip()
        if not folder:
            continue
        pid = os.fork()
        if pid == 0:
            os.setsid()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            dispose_all(close=False)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            path = Path(folder)
            log_output_to(path / "supervisor.log")
            finish_child(partial(run, path))
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()
    return 0
