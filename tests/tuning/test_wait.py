"""Waiting without polling (``sabio.tuning._wait``, ``sabio.supervision._process.exit_watch``)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from sabio.supervision._process import exit_watch
from sabio.tuning._wait import FolderWatch, Waker, wait_for

#: Long enough never to be reached when the awaited event happens: the events below are
#: either already queued or follow at once, so no assertion here depends on timing.
PATIENCE = 60.0


def _readable(fd: int) -> bool:
    return bool(select.select([fd], [], [], 0)[0])


def test_waker_wakes_and_is_cleared() -> None:
    waker = Waker()
    assert not _readable(waker.fileno())
    waker.set()
    waker.set()  # several wake-ups are one
    assert _readable(waker.fileno())
    assert wait_for(waker, [], PATIENCE) == set()
    assert not _readable(waker.fileno())


def test_folder_watch_reports_a_file_written(tmp_path: Path) -> None:
    watch = FolderWatch()
    if watch.fileno() is None:
        pytest.skip("inotify is not available here")
    fd = watch.fileno()
    assert fd is not None
    handle = watch.add(tmp_path)
    assert handle is not None
    (tmp_path / "done").write_text("1.0")
    assert wait_for(Waker(), [fd], PATIENCE) == {fd}
    watch.drain()
    assert not _readable(fd)
    watch.remove(handle)
    watch.drain()  # the kernel confirms the removal with an event of its own
    (tmp_path / "other").write_text("x")  # no longer watched
    assert not _readable(fd)
    watch.close()


def test_exit_watch_becomes_readable_when_the_process_exits() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=-1)
    fd = exit_watch(proc.pid)
    if fd is None:
        proc.kill()
        proc.wait()
        pytest.skip("pidfds are not available here")
    try:
        assert not _readable(fd)
        assert proc.stdin is not None
        proc.stdin.close()  # the process reads end-of-file and exits
        assert wait_for(Waker(), [fd], PATIENCE) == {fd}
    finally:
        os.close(fd)
        proc.wait()


def test_exit_watch_of_a_gone_process_is_none() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert exit_watch(proc.pid) is None
