"""Starting the trials' standby in one process for another (``StandbyHandoff``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sabio._config import environ, settings_to_env
from sabio.backends import TRAINING_SUPERVISOR, LocalBackend, StandbyHandoff, start_standby
from sabio.session import Session

#: A built-in name nothing can import: the standby skips it and is ready at once.
NO_MODULE = "sabio_tests_no_such_builtin"


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except OSError:
        return True


def _wait_gone(pid: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not _gone(pid):
        if time.monotonic() > deadline:
            pytest.fail(f"process {pid} is still running")
        time.sleep(0.05)


def _env(session: Session) -> dict[str, str]:
    """The environment this workspace's jobs are launched with now (pytest changes
    ``PYTEST_CURRENT_TEST`` between a test's phases, so not from a fixture)."""
    return {**environ(), **settings_to_env(session.settings)}


def test_discarded_handoff_stops_the_standby(session: Session) -> None:
    handoff = start_standby(session.settings, NO_MODULE)
    assert handoff is not None
    handoff.discard()
    assert handoff.released
    _wait_gone(handoff.pid)
    handoff.discard()  # a second call does nothing


def test_adopt_refuses_a_standby_of_another_environment(session: Session, tmp_path: Path) -> None:
    env = _env(session)
    handoff = start_standby(session.settings, NO_MODULE)
    assert handoff is not None
    fds = (os.dup(handoff.request_fd), os.dup(handoff.reply_fd))  # what a child inherits
    handoff.release()
    other = {**env, "SABIO_HOME": str(tmp_path / "elsewhere")}
    assert not LocalBackend().adopt(TRAINING_SUPERVISOR, other, handoff.argument(), fds)
    for fd in fds:  # closed by adopt: the standby reads end-of-file and exits
        with pytest.raises(OSError):
            os.fstat(fd)
    _wait_gone(handoff.pid)


def test_adopted_standby_serves_this_process(session: Session) -> None:
    env = _env(session)
    handoff = start_standby(session.settings, NO_MODULE)
    assert handoff is not None
    fds = (os.dup(handoff.request_fd), os.dup(handoff.reply_fd))
    handoff.release()
    backend = LocalBackend()
    try:
        assert backend.adopt(TRAINING_SUPERVISOR, env, handoff.argument(), fds)
        assert not os.get_inheritable(fds[0]) and not os.get_inheritable(fds[1])
        # prepare() finds it (no second standby is started) and waits for it to be warm.
        assert backend.prepare(TRAINING_SUPERVISOR, env, (NO_MODULE,), timeout=60.0)
        current = LocalBackend._standby
        assert current is not None and current[1].pid == handoff.pid
    finally:
        with LocalBackend._lock:
            if LocalBackend._standby is not None:
                LocalBackend._standby[1].dismiss()
                LocalBackend._standby = None
    _wait_gone(handoff.pid)


def test_adopt_refuses_a_malformed_argument(session: Session) -> None:
    env = _env(session)
    read, write = os.pipe()
    assert not LocalBackend().adopt(TRAINING_SUPERVISOR, env, "not-a-handoff", (write, read))
    with pytest.raises(OSError):
        os.fstat(read)


def _receive(handoff: StandbyHandoff) -> None:
    """A real receiving process: it gets the standby's pipes, then exits."""
    receiver = subprocess.Popen([sys.executable, "-c", "pass"], pass_fds=handoff.fds)
    handoff.release(receiver.pid)
    receiver.wait()


def _forget_standby() -> None:
    with LocalBackend._lock:
        if LocalBackend._standby is not None:
            LocalBackend._standby[1].dismiss()
            LocalBackend._standby = None


def test_kept_standby_is_lent_again_after_its_receiver_exits(session: Session) -> None:
    first = start_standby(session.settings, NO_MODULE, keep_alive=60)
    assert first is not None and first.kept is not None
    try:
        _receive(first)
        assert not _gone(first.pid)  # this process still holds it: kept, not ended
        second = start_standby(session.settings, NO_MODULE, keep_alive=60)
        assert second is not None and second.pid == first.pid  # lent again, not restarted
        second.discard()  # kept: discarding the handoff leaves the warm pool running
        assert not _gone(first.pid)
        # Back with this process, which uses it for its own jobs once it answers.
        assert LocalBackend().prepare(TRAINING_SUPERVISOR, _env(session), (NO_MODULE,), 60.0)
        current = LocalBackend._standby
        assert current is not None and current[1].pid == first.pid
    finally:
        _forget_standby()
    _wait_gone(first.pid)


def test_kept_standby_exits_after_the_keep_alive_period(session: Session) -> None:
    handoff = start_standby(session.settings, NO_MODULE, keep_alive=1)
    assert handoff is not None
    try:
        _receive(handoff)
        # This process still holds its pipes: the standby ends on its own, idle for 1 s.
        _wait_gone(handoff.pid)
    finally:
        _forget_standby()


def test_standby_without_keep_alive_is_not_kept(session: Session) -> None:
    handoff = start_standby(session.settings, NO_MODULE)
    assert handoff is not None and handoff.kept is None
    _receive(handoff)
    _wait_gone(handoff.pid)  # its only user is gone: end-of-file
