"""The Ray actor of the Ray backend (imported only where ``ray`` is installed).

``NodeAgent`` is one detached, long-lived actor per node (it holds no resources): it starts a
job's supervisor on its node with the kernel's one ``spawn_detached``, removes the job's
placement group (its resources) when that process exits, and answers for any supervisor on
its node: is it alive, signal it, kill its process group — what the local backend does with
``os.kill``.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path

import ray

from sabio.supervision._process import (
    kill_process_group,
    pid_exists,
    process_alive,
    spawn_detached,
)

__all__ = ["NodeAgent", "node_identity"]

#: How often a node agent looks whether a supervisor holding resources still runs.
_WATCH_SECONDS = 0.5


def node_identity() -> tuple[str, str, str]:
    """``(hostname, node id, node IP)`` of the Ray node this code runs on."""
    context = ray.get_runtime_context()
    return socket.gethostname(), context.get_node_id(), ray.util.get_node_ip_address()  # type: ignore[no-untyped-call]


# Ray's type stubs do not list the actor options (max_concurrency) that ray.remote takes.
@ray.remote(num_cpus=0, max_concurrency=16)  # type: ignore[call-overload]
class NodeAgent:
    """Starts and answers for the supervisors of its node: one long-lived actor per node,
    so a job costs no new Ray worker process."""

    def start(
        self, module: str, folder: str, token: str, env: dict[str, str], group: str | None
    ) -> tuple[int, str]:
        """Start ``python -m <module> <folder>``; return its pid and this node's hostname.
        When it exits, the job's placement group ``group`` (its resources) is removed.

        Raises:
            FileNotFoundError: the job folder is not visible on this node (``token`` is the
                proof that it is the same folder the submitter wrote).
        """
        path = Path(folder)
        try:
            seen = (path / "launch.token").read_text()
        except OSError:
            seen = ""
        host, node, address = node_identity()
        if seen != token:
            raise FileNotFoundError(
                f"the job folder {folder} is not visible on Ray node {address} ({host})"
            )
        log = path / "supervisor.log"
        with log.open("a") as fh:
            fh.write(f"running on Ray node {node} ({address}, {host})\n")
        # The supervisor imports the sabio this actor runs (the submitter's, shipped by Ray).
        shipped = str(Path(__file__).resolve().parents[3])  # the folder holding sabio/
        paths = [shipped, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env = {**env, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}
        pid = spawn_detached(module, [folder], env, log)
        if group is not None:
            threading.Thread(target=_release_when_done, args=(pid, group), daemon=True).start()
        return pid, host

    def alive(self, pid: int, module: str) -> bool:
        return process_alive(pid, module)

    def signal(self, pid: int, signum: int) -> None:
        try:
            os.kill(pid, signal.Signals(signum))
        except ProcessLookupError:
            pass

    def kill(self, pgid: int) -> None:
        kill_process_group(pgid)


def _release_when_done(pid: int, group: str) -> None:
    """Remove the job's placement group (named ``group``) once its supervisor has exited."""
    from ray.util import get_placement_group, remove_placement_group

    while pid_exists(pid):
        time.sleep(_WATCH_SECONDS)
    remove_placement_group(get_placement_group(group))
