"""The standby supervisor: ``python -m sabio.training._supervisor --standby [modules]``.

The local backend keeps one per submitting process (see ``sabio.backends.local``). It does
the supervisor's imports once, pre-imports the built-in programs it is asked to warm, and
forks a supervisor for each job folder it is sent; a supervisor of a warm built-in job forks
its program's children right away, while it still has a single thread (``_warm``).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from sabio._config import load_settings
from sabio.catalog import Catalog
from sabio.training._supervisor import run_job
from sabio.training._warm import PreForked, prefork, warm_up

__all__ = ["serve_standby"]


def serve_standby(preload: list[str]) -> int:
    """Standby mode: warm up once, then fork a supervisor per job folder read from stdin.

    Warming up opens the catalog (the supervisor's own imports) and imports the built-in
    programs named in ``preload``. The parent writes ``ready`` when warm, answers each job
    folder with the forked supervisor's pid on stdout, and exits at end-of-file (when the
    submitting process is gone).
    """
    from sabio.catalog._engine import dispose_all

    # Replies get a private descriptor: whatever an import prints cannot garble them.
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    Catalog.open(load_settings())
    dispose_all(close=True)  # no connection may be shared with the forked supervisors
    warm_up(preload)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked supervisors are reaped by the kernel
    reply.write("ready\n")
    for raw in sys.stdin.buffer:
        job_dir = raw.decode().strip()
        if not job_dir:
            continue
        pid = os.fork()
        if pid == 0:
            os.setsid()
            os.close(reply.fileno())  # the submitter must see EOF when the standby is gone
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            dispose_all(close=False)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            log = os.open(
                Path(job_dir) / "supervisor.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644
            )
            os.dup2(log, 1)
            os.dup2(log, 2)
            sys.stdout.flush()
            code = 1
            try:
                code = run_job(Path(job_dir), _prefork_for(Path(job_dir)))
            finally:
                os._exit(code)
        reply.write(f"{pid}\n")
    return 0


def _prefork_for(job_dir: Path) -> list[PreForked]:
    """Children for a warm built-in job, forked while this process has one thread."""
    try:
        spec = json.loads((job_dir / "spec.json").read_text())
        module, count = spec.get("builtin_module"), int(spec.get("instance_count") or 1)
    except (OSError, ValueError, AttributeError):
        return []  # the supervisor itself reports a broken spec
    return prefork(module, count) if isinstance(module, str) else []
