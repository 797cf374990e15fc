"""What a kind of supervised job is, declared once by its engine as a :class:`JobKind`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sabio.catalog import RecordKind

__all__ = ["JobKind"]


@dataclass(frozen=True)
class JobKind(RecordKind):
    """A kind of job run by a detached supervisor process (training, tuning, transform,
    endpoint, ...). The engine declares one; the kernel does the rest of the lifecycle.

    Attributes:
        module: the supervisor program, run as ``python -m <module> <job-dir>`` (or
            ``--standby``); its ``__main__`` calls :func:`sabio.supervision.main` with this kind.
        folder: the workspace subfolder holding one folder per job (spec, log, markers).
        active: statuses in which a live supervisor is expected; empty: every status that
            is not terminal.
        dead_status: the status a job gets when its supervisor died without an outcome.
        dead_reason: its failure reason; ``{label}``, ``{name}`` and ``{pid}`` are filled in.
        stop_status: the status a stop request moves a running job to first (``Stopping``),
            or None when the supervisor records it itself.
        warm_up: modules a warm standby of this kind imports before it forks supervisors.
        stop_hint: the command that stops a job, named in messages.
    """

    module: str = ""
    folder: str = ""
    active: frozenset[str] = field(default_factory=frozenset)
    dead_status: str = "Failed"
    dead_reason: str = (
        "InternalServerError: the {label_lower}'s supervisor process (pid {pid}) died without "
        "recording an outcome (killed, out of memory or machine restart). Its processes were "
        "stopped; run it again."
    )
    stop_status: str | None = "Stopping"
    warm_up: tuple[str, ...] = ()
    stop_hint: str = ""

    def expects_supervisor(self, status: str) -> bool:
        """Whether a job in ``status`` should have a live supervisor."""
        if self.active:
            return status in self.active
        return status not in self.terminal

    def reason_dead(self, name: str, pid: int | None) -> str:
        """The failure reason of a job whose supervisor died."""
        return self.dead_reason.format(
            label=self.label, label_lower=self.label.lower(), name=name, pid=pid
        )
