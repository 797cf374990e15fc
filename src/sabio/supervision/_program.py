"""The entry of every supervisor program: ``python -m <kind.module> ...`` calls :func:`main`.

A supervisor program is the engine's :class:`Program`; the kernel parses the command line,
serves warm pools (``--standby``) and exits the one way supervisors exit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from sabio.exceptions import CatalogError
from sabio.supervision._kind import JobKind
from sabio.supervision._process import exit_now

__all__ = ["UNRECORDED", "Program", "main", "run_job", "unrecorded_reason"]


class Program:
    """What an engine's supervisor program does; override :meth:`run` (and the warm-pool
    hooks where the kind warms more than its imports)."""

    def warm_up(self, kind: JobKind, preload: Sequence[str]) -> list[str]:
        """In a standby, before it forks supervisors: import what every job of the kind
        needs (``kind.warm_up``) and the built-in programs ``preload``; return the built-ins
        that are now warm."""
        import importlib

        for module in kind.warm_up:
            importlib.import_module(module)
        return []

    def prepare(self, warmed: Sequence[str]) -> Any:
        """In a spare supervisor forked ahead of its job, while it has one thread: get
        ready for any job (a training spare pre-forks its program's child)."""
        return None

    def discard(self, prepared: Any) -> None:
        """A spare ends without a job: undo :meth:`prepare`."""

    def run(self, folder: Path, prepared: Any = None, warm_pool: str | None = None) -> int:
        """Supervise the job in ``folder`` to its end; return the process's exit status.

        ``prepared`` is what :meth:`prepare` gave in a spare (None in a cold start);
        ``warm_pool`` a lent warm pool's argument (see ``WarmPool.adopt``).
        """
        raise NotImplementedError


_USAGE = (
    "usage: python -m {module} <job-dir> [--warm-pool ARG] | "
    "--standby [MODULE,...] [--keep-alive SECONDS]"
)


#: A supervisor that could not record its job's outcome in the catalog writes why here, in
#: the job folder; whoever reconciles the job records it as the failure reason.
UNRECORDED = "unrecorded-outcome"


def main(kind: JobKind, program: Program, argv: Sequence[str] | None = None) -> NoReturn:
    """Run a supervisor program: ``<job-dir> [--warm-pool ARG]`` supervises one job;
    ``--standby [modules] [--keep-alive SECONDS]`` serves this kind's warm pool.

    Job files are created readable by their owner only (umask 077): the job's data, model
    and logs are as private as the workspace."""
    os.umask(0o077)
    exit_now(_dispatch(kind, program, list(sys.argv[1:] if argv is None else argv)))


def run_job(
    program: Program, folder: Path, prepared: Any = None, warm_pool: str | None = None
) -> int:
    """Run ``program`` on the job in ``folder``; when the catalog refuses its outcome (a
    full disk), leave the reason in the folder for :func:`unrecorded_reason`."""
    try:
        return program.run(folder, prepared, warm_pool)
    except CatalogError as exc:
        reason = f"ClientError: {exc}"
        print(f"sabio: could not record the job's outcome: {reason}", file=sys.stderr)
        try:
            (folder / UNRECORDED).write_text(reason)
        except OSError:  # the same full disk: the log line above is all there is
            pass
        return 1


def unrecorded_reason(folder: Path) -> str | None:
    """Why a job's supervisor could not record its outcome (see :func:`run_job`), if it said."""
    try:
        text = (folder / UNRECORDED).read_text().strip()
    except OSError:
        return None
    return text or None


def _dispatch(kind: JobKind, program: Program, argv: list[str]) -> int:
    keep_alive = 0.0
    if argv[:1] == ["--standby"]:
        if len(argv) >= 3 and argv[-2] == "--keep-alive":
            try:
                keep_alive = float(argv[-1])
            except ValueError:
                keep_alive = -1.0
            argv = argv[:-2]
        if len(argv) <= 2 and keep_alive >= 0:
            from sabio.supervision._standby import serve_standby

            modules = [m for m in (argv[1] if len(argv) == 2 else "").split(",") if m]
            return serve_standby(kind, program, modules, keep_alive)
    elif len(argv) == 1 and not argv[0].startswith("--"):
        return run_job(program, Path(argv[0]))
    elif len(argv) == 3 and argv[1] == "--warm-pool":
        return run_job(program, Path(argv[0]), warm_pool=argv[2])
    print(_USAGE.format(module=kind.module), file=sys.stderr)
    return 2
