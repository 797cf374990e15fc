"""The Ray backend: each job's supervisor runs on a node of a Ray cluster.

A job's resources (its instance type's CPUs, memory and GPUs) become a Ray placement group,
so Ray reserves them on a node that has them; the long-lived agent actor of that node
(``NodeAgent``, one per node) starts the job's supervisor there with the same
``python -m <kind.module> <job-dir>`` as the local backend, and removes the group when it
exits. The agents also answer "is it alive", signals and kills for supervisors on their
machines.

The workspace must be the same on every node: one catalog every node reaches (PostgreSQL on
a cluster of several nodes; SQLite is refused there) and one job folder path (``SABIO_HOME``
on a shared folder). A one-node cluster on the laptop works with the default workspace.
Ray is an optional dependency (``pip install 'sabio[ray]'``); nothing here imports it until
a job is launched on it.
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from sabio._config import Settings, load_settings
from sabio.exceptions import CapacityError, ConfigError, FrameworkNotInstalledError
from sabio.supervision._instances import Resources
from sabio.supervision._kind import JobKind
from sabio.supervision._process import kill_process_group, process_alive
from sabio.supervision._warm_pool import WarmHandoff

__all__ = ["NAMESPACE", "RayBackend"]

#: The Ray namespace of sabio's actors (job hosts and node agents).
NAMESPACE = "sabio"
#: How long a launch waits for Ray to place a job whose resources are busy right now.
PLACEMENT_SECONDS = 60.0
_GIB = 1024**3


def _here(host: str | None) -> bool:
    return host in (None, socket.gethostname())


class RayBackend:
    """Run supervisors on a Ray cluster (``SABIO_BACKEND=ray``; ``RAY_ADDRESS`` or
    ``ray_address`` names the cluster, default: the one started on this machine)."""

    name = "ray"
    warm_pools = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: The cluster this process is connected to (Ray allows one per process).
        self._address: str | None = None

    # -- connection ----------------------------------------------------------------------

    def connect(self, settings: Settings | None = None) -> ModuleType:
        """Connect this process to the cluster (once); return the ``ray`` module.

        Raises:
            FrameworkNotInstalledError: Ray is not installed.
            ConfigError: no cluster answers at the address.
        """
        try:
            import ray
        except ImportError as exc:
            raise FrameworkNotInstalledError(
                "The ray backend needs Ray, which is not installed: pip install 'sabio[ray]' "
                "(or use the local backend: SABIO_BACKEND=local)."
            ) from exc
        with self._lock:
            settings = settings or load_settings()
            address = settings.ray_address or "auto"
            if ray.is_initialized():
                if self._address not in (None, address):
                    raise ConfigError(
                        f"This process is connected to the Ray cluster at {self._address!r}; "
                        f"it cannot also run jobs on {address!r} (Ray connects a process to "
                        "one cluster). Use one RAY_ADDRESS per process, or the local backend "
                        "(backend='local')."
                    )
                return ray
            _check_reachable(address)
            # Every node runs this process's sabio (shipped by Ray's runtime environment),
            # so supervisors everywhere are the same code as the submitter's.
            package = str(Path(__file__).resolve().parents[2])  # .../sabio
            try:
                ray.init(
                    address=address,
                    namespace=NAMESPACE,
                    logging_level=logging.ERROR,
                    log_to_driver=False,
                    runtime_env={"py_modules": [package]},
                )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigError(_no_cluster(address, exc)) from exc
            self._address = address
        return ray

    def _actors(self) -> Any:
        from sabio.supervision.backends import _ray_actors

        return _ray_actors

    # -- the Backend protocol ------------------------------------------------------------

    def check(self, settings: Settings) -> None:
        ray = self.connect(settings)
        _check_workspace(settings, [node for node in ray.nodes() if node.get("Alive")])

    def launch(
        self,
        kind: JobKind,
        folder: Path,
        env: dict[str, str],
        *,
        preload: Sequence[str] = (),
        keep_alive: float = 0.0,
        handoff: WarmHandoff | None = None,
        resources: Resources | None = None,
    ) -> tuple[int, str]:
        settings = load_settings(env)
        ray = self.connect(settings)
        nodes = [node for node in ray.nodes() if node.get("Alive")]
        _check_workspace(settings, nodes)
        request = resources or Resources()
        needed = _placement(request, nodes, kind, folder.name)
        token = uuid.uuid4().hex
        (folder / "launch.token").write_text(token)
        # The job's resources are a placement group (reserved by Ray's control plane, no
        # process); the long-lived agent of the node Ray chose starts the supervisor there,
        # watches it and removes the group when it exits.
        group = None
        if request.on_this_machine or not needed:
            # Nothing to reserve (a ``local`` instance type) or its URL is here: this node.
            node = ray.get_runtime_context().get_node_id()
        else:
            from ray.util import placement_group, remove_placement_group
            from ray.util.placement_group import placement_group_table

            group = placement_group(
                [needed], strategy="PACK", name=f"sabio-job:{folder}", lifetime="detached"
            )
            try:
                ray.get(group.ready(), timeout=PLACEMENT_SECONDS)
            except ray.exceptions.GetTimeoutError as exc:
                remove_placement_group(group)
                raise CapacityError(
                    f"The Ray cluster did not place {kind.label.lower()} {folder.name!r} "
                    f"({request.describe()}) within {PLACEMENT_SECONDS:g} s: its nodes are "
                    "busy with other jobs. Run it again when they are done, or add nodes."
                ) from exc
            node = placement_group_table(group)["bundles_to_node_id"][0]
        agent = self._agent_on(ray, node)
        group_name = None if group is None else f"sabio-job:{folder}"
        started = agent.start.remote(kind.module, str(folder), token, env, group_name)
        try:
            pid, hostname = ray.get(started, timeout=PLACEMENT_SECONDS)
        except ray.exceptions.RayTaskError as exc:
            if group is not None:
                from ray.util import remove_placement_group

                remove_placement_group(group)
            if isinstance(exc.cause, FileNotFoundError):
                raise ConfigError(
                    f"Cannot run {kind.label.lower()} {folder.name!r} on the Ray cluster: "
                    f"{exc.cause}. Put SABIO_HOME on one shared folder mounted at the same "
                    "path on every node (NFS, for example), or run a one-node cluster."
                ) from exc
            raise OSError(f"the Ray node agent could not start the supervisor: {exc}") from exc
        return pid, hostname

    def _agent_on(self, ray: ModuleType, node: str) -> Any:
        """The node agent of the node ``node`` (a Ray node id), started there on first use."""
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        actors = self._actors()
        return actors.NodeAgent.options(
            name=f"sabio-node:{node}",
            namespace=NAMESPACE,
            lifetime="detached",
            get_if_exists=True,
            scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False),
        ).remote()

    def _agent(self, host: str) -> Any:
        """The node agent of the machine ``host``, or None if no node of the cluster has
        that hostname."""
        ray = self.connect()
        for node in ray.nodes():
            if node.get("Alive") and node.get("NodeManagerHostname") == host:
                return self._agent_on(ray, node["NodeID"])
        return None

    def alive(self, kind: JobKind, pid: int, host: str | None) -> bool | None:
        if _here(host):
            return process_alive(pid, kind.module)
        assert host is not None
        try:
            agent = self._agent(host)
            if agent is None:
                return False  # its node left the cluster, and the supervisor with it
            return bool(self.connect().get(agent.alive.remote(pid, kind.module), timeout=10))
        except Exception:
            return None  # the cluster cannot tell now: the heartbeat decides

    def kill(self, kind: JobKind, pid: int, host: str | None) -> None:
        if _here(host):
            kill_process_group(pid)
            return
        assert host is not None
        agent = self._agent(host)
        if agent is not None:
            self.connect().get(agent.kill.remote(pid), timeout=10)

    def signal(self, kind: JobKind, pid: int, host: str | None, signum: int) -> None:
        if _here(host):
            import os

            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass
            return
        assert host is not None
        agent = self._agent(host)
        if agent is not None:
            self.connect().get(agent.signal.remote(pid, int(signum)), timeout=10)

    def prepare_warm(
        self, kind: JobKind, env: dict[str, str], preload: Sequence[str], timeout: float
    ) -> bool:
        return False

    def lend_warm(
        self, kind: JobKind, env: dict[str, str], preload: Sequence[str], keep_alive: float
    ) -> WarmHandoff | None:
        return None

    def adopt_warm(self, kind: JobKind, env: dict[str, str], argument: str) -> bool:
        return False


def _no_cluster(address: str, why: object) -> str:
    return (
        f"No Ray cluster answers at {address!r} ({why}). Start one with `ray start --head` "
        "(and `ray start --address=<head>:6379` on other machines), then set "
        "RAY_ADDRESS=<head>:6379 or ray_address in config.toml; or use the local backend "
        "(SABIO_BACKEND=local)."
    )


def _check_reachable(address: str) -> None:
    """Refuse at once an address where nothing listens (``ray.init`` would wait for minutes)."""
    host, _, port = address.rpartition(":")
    if address == "auto" or "://" in address or not port.isdigit():
        return  # Ray finds the local cluster itself, or a client URL Ray checks
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=5):
            pass
    except OSError as exc:
        raise ConfigError(_no_cluster(address, exc)) from exc


def _check_workspace(settings: Settings, nodes: list[dict[str, Any]]) -> None:
    """Refuse a workspace the cluster's nodes cannot all reach."""
    # A node's name is its IP address unless `ray start --node-name` says otherwise.
    machines = {node.get("NodeName") or node.get("NodeManagerAddress") for node in nodes}
    if len(machines) > 1 and settings.database_url.startswith("sqlite"):
        raise ConfigError(
            f"The Ray cluster has {len(machines)} machines, but the workspace's catalog is a "
            f"SQLite file ({settings.database_url}) that only this machine can use safely. "
            "Point every machine at one PostgreSQL database: "
            "SABIO_DATABASE_URL=postgresql+psycopg://user:password@host/sabio (and "
            "SABIO_STORE_URL=s3://bucket with SABIO_S3_ENDPOINT_URL, or a shared folder)."
        )


def _placement(
    request: Resources, nodes: list[dict[str, Any]], kind: JobKind, name: str
) -> dict[str, float]:
    """The Ray bundle of ``request`` (empty: it asks for nothing); refuse at once what no
    node can ever hold."""
    # The supervisor runs every host of the job on its own node (spreading hosts over
    # nodes is not done yet), so it asks for all of them there.
    hosts = request.hosts
    needed = {
        "CPU": float(request.cpus * hosts),
        "memory": float(request.memory_gib * _GIB * hosts),
        "GPU": float(request.gpus * hosts),
    }
    needed = {key: value for key, value in needed.items() if value}

    def fits(node: dict[str, Any]) -> bool:
        total = node.get("Resources", {})
        return all(total.get(key, 0.0) >= value for key, value in needed.items())

    if not any(fits(node) for node in nodes):
        largest = max(
            nodes,
            key=lambda node: (node["Resources"].get("CPU", 0), node["Resources"].get("memory", 0)),
            default=None,
        )
        have = (
            "it has no nodes"
            if largest is None
            else "its largest node has {:g} CPUs, {:.1f} GiB memory and {:g} GPUs".format(
                largest["Resources"].get("CPU", 0),
                largest["Resources"].get("memory", 0) / _GIB,
                largest["Resources"].get("GPU", 0),
            )
        )
        raise CapacityError(
            f"ResourceLimitExceeded: no node of the Ray cluster can ever hold "
            f"{kind.label.lower()} {name!r} ({request.describe()}); {have}. Use a smaller "
            "instance type, or add a node that large to the cluster."
        )
    return needed
