"""Warm pools: one standby per kind and environment, lent to another process and kept."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from tests._wait import wait_until
from tests.transform._models import register_model, write_csv

from sabio import serving, transform
from sabio._config import load_settings
from sabio.estimator import Estimator
from sabio.exceptions import NotFoundError
from sabio.serving._kind import ENDPOINT
from sabio.session import Session
from sabio.supervision import WarmHandoff, job_env
from sabio.supervision.backends import LocalBackend
from sabio.training import TRAINING, job_dir, lend_warm_pool
from sabio.transform import TRANSFORM

#: A built-in name nothing can import: the standby skips it and is ready at once.
NO_MODULE = "sabio_tests_no_such_builtin"


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except OSError:
        return True


def _wait_gone(pid: int, timeout: float = 60.0) -> None:
    wait_until(lambda: _gone(pid), timeout, what=f"process {pid} to end")


def _lend(session: Session, keep_alive: float = 0.0) -> WarmHandoff:
    handoff = lend_warm_pool(session.settings, NO_MODULE, keep_alive)
    assert handoff is not None
    return handoff


def _inherit(handoff: WarmHandoff) -> tuple[int, int]:
    """This process's own copies of the standby's pipes, as a borrower inherits them."""
    fds = (os.dup(handoff.request_fd), os.dup(handoff.reply_fd))
    handoff.release()
    return fds


def test_discarded_handoff_stops_the_standby(session: Session, local: LocalBackend) -> None:
    handoff = _lend(session)
    handoff.discard()
    assert handoff.released
    _wait_gone(handoff.pid)
    handoff.discard()  # a second call does nothing


def test_adopt_refuses_a_standby_of_another_environment(
    session: Session, local: LocalBackend
) -> None:
    handoff = _lend(session)
    fds = _inherit(handoff)
    other = {**job_env(session.settings), "SABIO_HOME": "/elsewhere"}
    assert not local.pool.adopt(TRAINING, other, handoff.argument(), fds)
    for fd in fds:  # closed by adopt: the standby reads end-of-file and exits
        with pytest.raises(OSError):
            os.fstat(fd)
    _wait_gone(handoff.pid)


def test_adopted_standby_serves_this_process(session: Session, local: LocalBackend) -> None:
    env = job_env(session.settings)
    handoff = _lend(session)
    fds = _inherit(handoff)
    assert local.pool.adopt(TRAINING, env, handoff.argument(), fds)
    assert not os.get_inheritable(fds[0]) and not os.get_inheritable(fds[1])
    # prepare_warm() finds it (no second standby is started) and waits for it to be warm.
    assert local.prepare_warm(TRAINING, env, (NO_MODULE,), timeout=60.0)
    assert local.pool.standby_pid(TRAINING, env) == handoff.pid
    local.pool.clear()
    _wait_gone(handoff.pid)


def test_adopt_refuses_a_malformed_argument(session: Session, local: LocalBackend) -> None:
    read, write = os.pipe()
    env = job_env(session.settings)
    assert not local.pool.adopt(TRAINING, env, "not-a-handoff", (write, read))
    with pytest.raises(OSError):
        os.fstat(read)


def _receive(handoff: WarmHandoff) -> None:
    """A real receiving process: it gets the standby's pipes, then exits."""
    receiver = subprocess.Popen([sys.executable, "-c", "pass"], pass_fds=handoff.fds)
    handoff.release(receiver.pid)
    receiver.wait()


def test_kept_standby_is_lent_again_after_its_receiver_exits(
    session: Session, local: LocalBackend
) -> None:
    first = _lend(session, keep_alive=60)
    assert first.kept is not None
    _receive(first)
    assert not _gone(first.pid)  # this process still holds it: kept, not ended
    second = _lend(session, keep_alive=60)
    assert second.pid == first.pid  # lent again, not restarted
    second.discard()  # kept: discarding the handoff leaves the warm pool running
    assert not _gone(first.pid)
    # Back with this process, which uses it for its own jobs once it answers.
    env = job_env(session.settings)
    assert local.prepare_warm(TRAINING, env, (NO_MODULE,), 60.0)
    assert local.pool.standby_pid(TRAINING, env) == first.pid
    local.pool.clear()
    _wait_gone(first.pid)


def test_kept_standby_exits_after_the_keep_alive_period(
    session: Session, local: LocalBackend
) -> None:
    handoff = _lend(session, keep_alive=1)
    _receive(handoff)
    # This process still holds its pipes: the standby ends on its own, idle for 1 s.
    _wait_gone(handoff.pid)


def test_standby_without_keep_alive_is_not_kept(session: Session, local: LocalBackend) -> None:
    handoff = _lend(session)
    assert handoff.kept is None
    _receive(handoff)
    _wait_gone(handoff.pid)  # its only user is gone: end-of-file


def _parent(pid: int | None) -> int:
    assert pid is not None
    return psutil.Process(pid).ppid()


def test_endpoint_warm_pool_serves_the_next_deploy(sabio_home: Path, local: LocalBackend) -> None:
    settings = load_settings()
    model = register_model()
    env = job_env(settings)
    try:
        first = serving.create_endpoint(settings, "ep-1", model)  # cold: no standby yet
        assert local.pool.standby_pid(ENDPOINT, env) is None
        serving.create_endpoint(settings, "ep-2", model)  # cold, and starts the standby
        assert local.pool.wait_ready(ENDPOINT, env, 60)
        standby = local.pool.standby_pid(ENDPOINT, env)
        third = serving.create_endpoint(settings, "ep-3", model)
        assert _parent(first.supervisor_pid) != standby
        assert _parent(third.supervisor_pid) == standby  # forked by the warm pool
        assert third.status == "InService"
    finally:
        for name in ("ep-1", "ep-2", "ep-3"):
            with contextlib.suppress(NotFoundError):
                serving.delete_endpoint(settings, name)


def test_transform_warm_pool_serves_the_next_job(
    sabio_home: Path, tmp_path: Path, local: LocalBackend
) -> None:
    settings = load_settings()
    model = register_model()
    write_csv(tmp_path / "in.csv", [[1.0, 2.0, 3.0]])
    data = Session().upload_data(str(tmp_path / "in.csv"), key_prefix="warm/in")
    env = job_env(settings)

    def run(name: str) -> str:
        spec = transform.build_spec(
            job_name=name,
            model_name=model,
            data=data,
            output_path=f"s3://out/{name}",
            content_type="text/csv",
            split_type="Line",
        )
        transform.submit(settings, spec)
        record = transform.wait(settings, name, timeout=120)
        assert record.status == "Completed", record.failure_reason
        return (transform.job_dir(settings, name) / "supervisor.log").read_text()

    assert "warm pool" not in run("tr-1")
    assert "warm pool" not in run("tr-2")  # cold, and starts the standby
    assert local.pool.wait_ready(TRANSFORM, env, 60)
    standby = local.pool.standby_pid(TRANSFORM, env)
    assert f"forked from the warm pool (standby {standby})" in run("tr-3")


def test_deploy_between_fits_keeps_the_training_warm_pool(
    sabio_home: Path, tmp_path: Path, local: LocalBackend
) -> None:
    """``fit(); deploy(); fit()`` in one notebook: the second fit still starts warm."""
    settings = load_settings()
    script = tmp_path / "train.py"
    script.write_text("print('trained')\n")
    estimator = Estimator(entry_point=str(script), keep_alive_period_in_seconds=60)
    env = job_env(settings)
    estimator.fit(job_name="fit-1", logs=False)  # with a keep-alive, the pool starts now
    assert local.pool.wait_ready(TRAINING, env, 60)
    standby = local.pool.standby_pid(TRAINING, env)
    model = register_model()
    try:
        serving.create_endpoint(settings, "between", model)
        serving.create_endpoint(settings, "between-2", model)  # an endpoint pool starts
        estimator.fit(job_name="fit-2", logs=False)
    finally:
        for name in ("between", "between-2"):
            serving.delete_endpoint(settings, name)
    assert local.pool.standby_pid(TRAINING, env) == standby
    second = Session().describe_training_job("fit-2")
    assert second["TrainingJobStatus"] == "Completed"
    log = (job_dir(settings, "fit-2") / "supervisor.log").read_text()
    assert f"forked from the warm pool (standby {standby})" in log
