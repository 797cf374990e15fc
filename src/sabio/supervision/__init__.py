"""The job kernel: one lifecycle and one process mechanism for every kind of supervised job.

An engine declares its kind once (:class:`JobKind`: supervisor program, folder, statuses,
warm-up imports), records a job in the catalog, writes its folder and calls :func:`launch`;
:func:`describe`, :func:`reconcile`, :func:`stop`, :func:`follow` and :func:`wait` work for
every kind. Its supervisor program subclasses :class:`Program` (what runs) and
:class:`Supervisor` (claim, heartbeat, stop requests, ``done`` marker) and ends with
``main(KIND, program)``. Backends (:class:`Backend`: ``local``, ``ray``) decide where
supervisors run; the local one starts them from warm pools when it can. :func:`opt_ml_command`
runs a job's program with its folder at ``/opt/ml`` (a private mount namespace).

This package names no engine: engines register nothing, they pass their kind.
"""

from sabio.supervision._backend import Backend
from sabio.supervision._instances import Resources
from sabio.supervision._kind import JobKind
from sabio.supervision._lifecycle import (
    HEARTBEAT_SECONDS,
    STALE_SECONDS,
    check_backend,
    describe,
    follow,
    job_dir,
    job_env,
    launch,
    reconcile,
    stop,
    supervisor_dead,
    wait,
)
from sabio.supervision._opt_ml import OPT_ML_NOTE, opt_ml_command, opt_ml_hint
from sabio.supervision._program import Program, main
from sabio.supervision._requirements import install_requirements
from sabio.supervision._supervisor import FAILURE_REASON_LIMIT, Supervisor, failure_reason
from sabio.supervision._warm_pool import WarmHandoff
from sabio.supervision.backends import backend_for

__all__ = [
    "FAILURE_REASON_LIMIT",
    "HEARTBEAT_SECONDS",
    "OPT_ML_NOTE",
    "STALE_SECONDS",
    "Backend",
    "JobKind",
    "Program",
    "Resources",
    "Supervisor",
    "WarmHandoff",
    "backend_for",
    "check_backend",
    "describe",
    "failure_reason",
    "follow",
    "install_requirements",
    "job_dir",
    "job_env",
    "launch",
    "main",
    "opt_ml_command",
    "opt_ml_hint",
    "reconcile",
    "stop",
    "supervisor_dead",
    "wait",
]
