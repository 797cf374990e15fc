"""The two Ray actors of the Ray backend (imported only where ``ray`` is installed).

``JobHost`` is one detached actor per job: it holds the job's resource request on the node
Ray placed it on, starts the job's supervisor there with the kernel's one ``spawn_detached``
and leaves (freeing the resources) when that process has exited. ``NodeAgent`` is one
detached actor per node (no resources) that answers for any supervisor on its node: is it
alive, signal it, kill its process group — what the local backend does with ``os.kill``.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import ray

from sabio.supervision._process import (
    kill_process_group,
    pid_exists,
    process_alive,
    spawn_detached,
)

__all__ = ["JobHost", "NodeAgent", "node_identity"]

#: How often a job host looks whether its supervisor still runs.
_WATCH_SECONDS = 0.5


def node_identity() -> tuple[str, str, str]:
    """``(hostname, node id, node IP)`` of the Ray node this code runs on."""
    context = ray.get_runtime_context()
    return socket.gethostname(), context.get_node_id(), ray.util.get_node_ip_address()  # type: ignore[no-untyped-call]


# Ray's type stubs do not list the actor options (max_concurrency) that ray.remote takes.
@ray.remote(max_concurrency=4)  # type: ignore[call-overload]
class JobHost:
    """Starts one job's supervisor on its node and lives as long as that process."""

    def __init__(self) -> None:
        self.pid: int | None = None

    def start(
        self, module: str, folder: str, token: str, env: dict[str, str]
    ) -> tuple[int, str, str, str]:
        """Start ``python -m <module> <folder>``; return ``(pid, hostname, node id, IP)``.

        Raises:
            FileNotFoundError: the job folder is not visible on this node (``token`` is the
                proof that it is the same folder the submitter wrote).
        """
        path = Path(folder)
        marker = path / "launch.token"
        try:
            seen = marker.read_text()
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
        self.pid = spawn_detached(module, [folder], env, log)
        return self.pid, host, node, address

    def watch(self) -> None:
        """Return once the supervisor has exited; the actor then leaves."""
        while self.pid is not None and pid_exists(self.pid):
            time.sleep(_WATCH_SECONDS)
        ray.actor.exit_actor()  # type: ignore[no-untyped-call]


@ray.remote(num_cpus=0, max_concurrency=8)  # type: ignore[call-overload]
class NodeAgent:
    """Answers for the supervisors running on its node."""

    def alive(self, pid: int, module: str) -> bool:
        return process_alive(pid, module)

    def signal(self, pid: int, signum: int) -> None:
        try:
            os.kill(pid, signal.Signals(signum))
        except ProcessLookupError:
            pass

    def kill(self, pgid: int) -> None:
        kill_process_group(pgid)
