"""end_process_group: SIGTERM a group, SIGKILL what ignores it after the grace."""

from __future__ import annotations

import subprocess
import sys
import time

from tests._wait import wait_until

from sabio.supervision._process import end_process_group, group_members

IGNORES_SIGTERM = (
    "import signal, subprocess, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
    "print('ready', flush=True)\n"
    "time.sleep(600)\n"
)


def test_end_process_group_terminates_then_kills() -> None:
    leader = subprocess.Popen(
        [sys.executable, "-c", IGNORES_SIGTERM], stdout=subprocess.PIPE, process_group=0
    )
    assert leader.stdout is not None
    assert leader.stdout.readline() == b"ready\n"
    wait_until(lambda: len(group_members(leader.pid)) == 2, timeout=30, what="two members")
    started = time.monotonic()
    ended = end_process_group(leader.pid, grace=0.5)
    leader.wait(timeout=10)
    leader.stdout.close()
    assert sorted(ended) == sorted(group_members(leader.pid) + ended)
    assert len(ended) == 2
    assert leader.returncode == -9  # it ignored SIGTERM
    wait_until(lambda: group_members(leader.pid) == [], timeout=10, what="an empty group")
    assert time.monotonic() - started >= 0.5


def test_end_process_group_spares_caller_and_empty_is_noop() -> None:
    lone = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], process_group=0)
    try:
        assert end_process_group(lone.pid, grace=0.1, spare=lone.pid) == []
        assert lone.poll() is None
    finally:
        lone.kill()
        lone.wait()
    assert end_process_group(lone.pid, grace=0.1) == []
