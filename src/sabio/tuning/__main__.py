"""``python -m sabio.tuning <tuning-job-folder> [--standby <handoff>]``: run a tuning job's
supervisor (started by ``sabio.tuning.submit`` or ``resume``)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from sabio._config import load_settings
from sabio.backends._process import exit_now
from sabio.training import adopt_standby
from sabio.tuning._supervisor import TuningSupervisor


def _run(folder: Path, standby: str | None = None) -> int:
    settings = load_settings()
    adopted = False
    if standby is not None:
        # Before anything is started: the jobs this process starts must not inherit its pipes.
        try:
            adopted = adopt_standby(settings, standby)
        except OSError:  # no such descriptors: the supervisor warms a standby itself
            pass
    supervisor = TuningSupervisor(folder, settings, adopted=adopted)
    signal.signal(signal.SIGTERM, lambda *_: supervisor.request_stop("Stopped: SIGTERM."))
    signal.signal(
        signal.SIGUSR1, lambda *_: supervisor.request_stop("Stopped at the user's request.")
    )
    return supervisor.run()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the supervisor process."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 3 and argv[1] == "--standby":
        # Started by submit() with the trials' standby on descriptors 3 and 4.
        return _run(Path(argv[0]), argv[2])
    if len(argv) != 1:
        print(
            "usage: python -m sabio.tuning <tuning-job-folder> [--standby <handoff>]",
            file=sys.stderr,
        )
        return 2
    return _run(Path(argv[0]))


if __name__ == "__main__":
    exit_now(main())
