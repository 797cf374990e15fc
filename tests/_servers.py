"""Real servers on loopback for tests: an S3-protocol server (moto), PostgreSQL and Ray.

Both are context managers usable from any test or fixture::

    with moto_s3_server() as endpoint_url:   # "http://127.0.0.1:<port>"
        ...
    with postgres_server() as url:           # "postgresql+psycopg://sabio@127.0.0.1:<port>/sabio_test"
        ...

``tests/conftest.py`` wraps them as the session fixtures ``s3_endpoint`` and ``postgres_url``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "PostgresUnavailableError",
    "RayUnavailableError",
    "free_port",
    "moto_s3_server",
    "postgres_server",
    "ray_cluster",
]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- S3 (moto server mode) -----------------------------------------------------------------


def _drop_server_header(app: WSGIApp) -> WSGIApp:
    """Strip moto's own ``Server`` header; werkzeug adds one too.

    Two ``Server`` headers make aiohttp >= 3.13.4 (under aiobotocore/s3fs) reject every
    response ("Duplicate 'Server' header found", getmoto/moto#9930), so this is what moto's
    ``ThreadedMotoServer`` cannot be used for as is.
    """

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(k, v) for k, v in headers if k.lower() != "server"]
            return start_response(status, kept, exc_info)

        return app(environ, start)

    return wrapped


@contextlib.contextmanager
def moto_s3_server() -> Iterator[str]:
    """Run moto's S3-protocol HTTP server on 127.0.0.1 (a free port); yield its endpoint URL.

    A real HTTP server in a background thread, the way ``ThreadedMotoServer`` runs it
    (moto's WSGI app under werkzeug), not an in-process mock: clients (boto3, s3fs) talk to
    it over TCP. State lives in moto's process-wide backends, so use unique bucket names.
    """
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    class QuietHandler(MotoRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            """Do not print one line per request."""

    app = _drop_server_header(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="moto-s3", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# -- PostgreSQL ----------------------------------------------------------------------------


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL could not be found, installed or started; the message says why."""


_INSTALL_TIMEOUT_S = 600
_STEP_TIMEOUT_S = 120
_install_attempted = False
_install_lock = threading.Lock()


def _find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: Debian's newest version, else PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")],
        reverse=True,
    )
    for folder in candidates:
        if os.access(os.path.join(folder, "initdb"), os.X_OK) and os.access(
            os.path.join(folder, "pg_ctl"), os.X_OK
        ):
            return Path(folder)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(os.path.realpath(initdb)).parent
    return None


def _install_from_debian() -> str:
    """Install Debian's ``postgresql`` package (root only, once per process); return a log."""
    global _install_attempted
    with _install_lock:
        if _install_attempted:
            return "already attempted in this process"
        _install_attempted = True
        if os.geteuid() != 0:
            return "not running as root, so it cannot be installed with apt-get"
        if shutil.which("apt-get") is None:
            return "apt-get not found (not a Debian/Ubuntu system)"
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        steps = [
            ["apt-get", "update"],
            ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"],
        ]
        for step in steps:
            try:
                done = subprocess.run(
                    step, env=env, capture_output=True, text=True, timeout=_INSTALL_TIMEOUT_S
                )
            except subprocess.TimeoutExpired:
                return f"`{' '.join(step)}` took more than {_INSTALL_TIMEOUT_S} s"
            if done.returncode != 0:
                return f"`{' '.join(step)}` failed: {(done.stderr or done.stdout)[-800:]}"
        return "installed"


def _server_user() -> str | None:
    """The OS user to run PostgreSQL as: ``None`` (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "sabio-postgres"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        [
            "useradd",
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "sabio-postgres",
        ],
        check=True,
        capture_output=True,
        timeout=_STEP_TIMEOUT_S,
    )
    return "sabio-postgres"


def _run(argv: list[str], *, user: str | None, what: str) -> None:
    if user is not None:
        argv = ["runuser", "-u", user, "--", *argv]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    try:
        done = subprocess.run(
            argv, env=env, capture_output=True, text=True, timeout=_STEP_TIMEOUT_S, cwd="/"
        )
    except subprocess.TimeoutExpired as exc:
        raise PostgresUnavailableError(f"{what} took more than {_STEP_TIMEOUT_S} s") from exc
    except OSError as exc:
        raise PostgresUnavailableError(f"{what} could not run: {exc}") from exc
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip()[-1500:]
        raise PostgresUnavailableError(f"{what} failed (exit {done.returncode}): {output}")


@contextlib.contextmanager
def postgres_server(database: str = "sabio_test", role: str = "sabio") -> Iterator[str]:
    """Start a throw-away PostgreSQL on 127.0.0.1 and yield a SQLAlchemy URL to a fresh database.

    Finds ``initdb``/``pg_ctl`` (``/usr/lib/postgresql/*/bin`` or PATH); when missing and
    running as root on Debian, installs the ``postgresql`` package once. The cluster lives in
    a temporary folder, runs as a non-root user (``postgres`` when root), listens on a free
    loopback port with trust authentication and ``fsync=off``, and is stopped and removed on
    exit.

    Yields:
        ``postgresql+psycopg://<role>@127.0.0.1:<port>/<database>``.

    Raises:
        PostgresUnavailableError: it cannot be installed or started (the message says why).
    """
    bindir = _find_bindir()
    if bindir is None:
        outcome = _install_from_debian()
        bindir = _find_bindir()
        if bindir is None:
            raise PostgresUnavailableError(
                f"initdb/pg_ctl not found in /usr/lib/postgresql/*/bin or PATH; install "
                f"attempt: {outcome}. Install PostgreSQL (apt-get install postgresql)."
            )
    try:
        user = _server_user()
    except (OSError, subprocess.SubprocessError) as exc:
        raise PostgresUnavailableError(f"no non-root user to run PostgreSQL as: {exc}") from exc

    # Not under pytest's tmp_path: its 0700 parents would lock the server user out.
    workdir = Path(tempfile.mkdtemp(prefix="sabio-pg-"))
    data = workdir / "data"
    started = False
    try:
        if user is not None:
            shutil.chown(workdir, user=user)
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                role,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            user=user,
            what="initdb",
        )
        last_error: PostgresUnavailableError | None = None
        for _attempt in range(3):  # the free port may be taken between probe and bind
            port = free_port()
            options = (
                f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={workdir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                _run(
                    [
                        str(bindir / "pg_ctl"),
                        "-D",
                        str(data),
                        "-l",
                        str(workdir / "server.log"),
                        "-o",
                        options,
                        "-w",
                        "-t",
                        "60",
                        "start",
                    ],
                    user=user,
                    what="pg_ctl start",
                )
            except PostgresUnavailableError as exc:
                log = workdir / "server.log"
                tail = log.read_text(errors="replace")[-1500:] if log.exists() else ""
                last_error = PostgresUnavailableError(f"{exc}\nserver log:\n{tail}")
                continue
            started = True
            break
        if not started:
            assert last_error is not None
            raise last_error
        createdb = bindir / "createdb"
        _run(
            [str(createdb), "-h", "127.0.0.1", "-p", str(port), "-U", role, database],
            user=user,
            what="createdb",
        )
        yield f"postgresql+psycopg://{role}@127.0.0.1:{port}/{database}"
    finally:
        if started:
            with contextlib.suppress(PostgresUnavailableError):
                _run(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                    user=user,
                    what="pg_ctl stop",
                )
        shutil.rmtree(workdir, ignore_errors=True)


# -- Ray (a real cluster of two nodes on this machine) -------------------------------------


class RayUnavailableError(RuntimeError):
    """A Ray cluster could not be started here (the reason says why)."""


_RAY_START_TIMEOUT_S = 180.0


def _ray_members(marker: str) -> list[int]:
    """Processes started by one test cluster (they all inherit its marker variable)."""
    needle = f"SABIO_TEST_RAY_CLUSTER={marker}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as fh:
                    if needle in fh.read().split(b"\0"):
                        found.append(int(entry))
            except OSError:
                continue
    return found


@contextlib.contextmanager
def ray_cluster(second_node_name: str = "second-machine") -> Iterator[str]:
    """Start a Ray head and a second node joined with ``ray start --address`` on this
    machine; yield the head's address (``127.0.0.1:<port>``) and stop both after.

    The head offers the custom resource ``head_node``, the second node ``second_node`` and
    the node name ``second_node_name``, so Ray (and sabio) see two machines and tests can
    assert where a job ran. Each node has 2 CPUs and a small object store.
    """
    ray_bin = Path(sys.executable).with_name("ray")
    if not ray_bin.exists():
        raise RayUnavailableError(f"no `ray` command next to {sys.executable}")
    marker = os.urandom(8).hex()
    temp = Path(tempfile.mkdtemp(prefix="sabio-ray-"))
    env = {**os.environ, "SABIO_TEST_RAY_CLUSTER": marker, "RAY_USAGE_STATS_ENABLED": "0"}
    # Ray reads ~/.ray (an auth token a local ray.init may have left there, which makes
    # `ray start` fail): the test cluster gets a home of its own.
    env["HOME"] = str(temp)
    # Nor what an earlier ray.init in this process set (token authentication for its own
    # local cluster): this cluster runs without it.
    env = {k: v for k, v in env.items() if not k.startswith("RAY_AUTH")}
    env["RAY_AUTH_MODE"] = "disabled"
    env.pop("RAY_ADDRESS", None)
    port = free_port()
    address = f"127.0.0.1:{port}"
    common = ["--num-cpus=2", "--object-store-memory=100000000", "--disable-usage-stats"]
    head = [
        str(ray_bin),
        "start",
        "--head",
        f"--port={port}",
        "--node-ip-address=127.0.0.1",
        "--include-dashboard=false",
        f"--temp-dir={temp}",
        '--resources={"head_node": 1}',
        *common,
    ]
    second = [
        str(ray_bin),
        "start",
        f"--address={address}",
        "--node-ip-address=127.0.0.1",
        f"--node-name={second_node_name}",
        '--resources={"second_node": 1}',
        *common,
    ]
    try:
        for argv in (head, second):
            try:
                done = subprocess.run(
                    argv, env=env, capture_output=True, text=True, timeout=_RAY_START_TIMEOUT_S
                )
            except subprocess.TimeoutExpired as exc:
                raise RayUnavailableError(f"`ray start` took more than {exc.timeout} s") from exc
            if done.returncode != 0:
                output = (done.stderr or done.stdout)[-1500:]
                raise RayUnavailableError(f"`{' '.join(argv[:3])}` failed: {output}")
        yield address
    finally:
        for _ in range(3):
            members = _ray_members(marker)
            if not members:
                break
            for pid in members:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 9)
            time.sleep(0.5)
        shutil.rmtree(temp, ignore_errors=True)
