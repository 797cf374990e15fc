"""Checkpoints: restored before a job's programs start, copied to the store while they run.

SageMaker's contract (``checkpoint_s3_uri``, ``checkpoint_local_path``, default
``/opt/ml/checkpoints``): whatever is under the S3 prefix when the job starts is copied into
the local checkpoint folder of every host first; files the program writes there are copied
back to the prefix as they appear or change, and once more when the job ends. A job resumed
after an interruption finds its last checkpoints where it left them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from sabio.exceptions import NotFoundError
from sabio.storage import Store

__all__ = ["SYNC_SECONDS", "CheckpointSync"]

#: How often new or changed checkpoint files are copied to the store while a job runs.
SYNC_SECONDS = 5.0


class CheckpointSync:
    """Keeps the checkpoint folders of a job's hosts and one store prefix in step.

    Args:
        store: the workspace's store.
        uri: the checkpoint prefix (``checkpoint_s3_uri``).
        folders: each host's local checkpoint folder.
        log: where to say what was restored and copied.
    """

    def __init__(
        self, store: Store, uri: str, folders: list[Path], log: Callable[[str], None]
    ) -> None:
        self.store = store
        self.uri = uri.rstrip("/")
        self.folders = folders
        self.log = log
        self._seen: dict[Path, tuple[int, int]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def restore(self) -> int:
        """Copy what the prefix holds into every host's folder; returns how many files.
        The prefix's bucket is created when it does not exist yet (as for job outputs)."""
        if self.uri.startswith("s3://"):
            self.store.create_bucket(self.uri[len("s3://") :].split("/", 1)[0])
        restored = 0
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                files = self.store.download(self.uri + "/", folder)
            except NotFoundError:
                return 0  # nothing saved yet: a first run
            for path in files:
                stat = path.stat()
                self._seen[path] = (stat.st_size, stat.st_mtime_ns)
            restored = len(files)
        if restored:
            self.log(f"sabio: restored {restored} checkpoint file(s) from {self.uri}")
        return restored

    def sync(self) -> int:
        """Copy new or changed checkpoint files to the prefix; returns how many."""
        copied = 0
        with self._lock:
            for folder in self.folders:
                if not folder.is_dir():
                    continue
                for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                    try:
                        stat = path.stat()
                    except FileNotFoundError:
                        continue  # the program replaced it meanwhile: the next pass sees it
                    state = (stat.st_size, stat.st_mtime_ns)
                    if self._seen.get(path) == state:
                        continue
                    relative = path.relative_to(folder).as_posix()
                    self.store.put_file(path, f"{self.uri}/{relative}")
                    self._seen[path] = state
                    copied += 1
        return copied

    def start(self, every: float = SYNC_SECONDS) -> None:
        """Copy changes every ``every`` seconds in a daemon thread until :meth:`stop`."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(every,), daemon=True)
        self._thread.start()

    def _loop(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.sync()
            except Exception as exc:  # a store hiccup must not end the job: retry next pass
                self.log(f"sabio: could not copy checkpoints to {self.uri}: {exc}")

    def stop(self) -> int:
        """Stop the thread and copy what changed since its last pass; returns how many."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        copied = self.sync()
        if copied:
            self.log(f"sabio: copied {copied} checkpoint file(s) to {self.uri}")
        return copied
