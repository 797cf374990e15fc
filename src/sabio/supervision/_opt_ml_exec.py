"""Run a command with a folder mounted at ``/opt/ml``, in a private mount namespace.

Usage: ``python -I -S _opt_ml_exec.py MODE FOLDER -- COMMAND ...`` with MODE ``auto`` (when the
namespace cannot be made, say so on stderr and run the command without it) or ``required``
(exit with status 2 instead).

This file is run as a script, not imported: it uses only the standard library so the extra
interpreter start costs a few milliseconds, and it ends with ``execvp`` so the command keeps
this process's pid (a stop's SIGTERM reaches the user program itself).

How: ``unshare(CLONE_NEWUSER | CLONE_NEWNS)`` makes a user namespace in which this process's
own uid and gid map to themselves (so the program sees its real ids), and a mount namespace
it may change. Mounts made there are private: the machine's ``/opt`` is never touched. When
``/opt/ml`` does not exist (it cannot be created without root), ``/opt`` is covered by a tmpfs
in which every original entry of ``/opt`` is bound back, plus an ``ml`` folder for the job.
Capabilities in the namespace end at ``execvp`` (the uid is not 0 there), so the program
runs unprivileged. Python 3.11 has no ``os.unshare``, hence ``ctypes``.
"""

from __future__ import annotations

import ctypes
import os
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MNT_DETACH = 0x2
OPT = "/opt"
OPT_ML = "/opt/ml"
#: Printed (and, with MODE=required, fatal) when the namespace cannot be made.
HINT = (
    "scripts that hard-code /opt/ml paths cannot run here; use the SageMaker environment "
    "variables instead: SM_MODEL_DIR, SM_CHANNEL_<NAME> (e.g. SM_CHANNEL_TRAIN), "
    "SM_OUTPUT_DATA_DIR, SM_OUTPUT_DIR, SM_INPUT_DIR, SM_INPUT_CONFIG_DIR (processing jobs: "
    "the input and output paths of the ProcessingInput/ProcessingOutput you passed)"
)


class NamespaceError(OSError):
    """The namespace or one of its mounts could not be made."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise NamespaceError(code, f"{what}: {os.strerror(code)}")


def _mount(libc: ctypes.CDLL, source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:  # fmt: skip
    def enc(text: str | None) -> bytes | None:
        return None if text is None else os.fsencode(text)

    result = libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data))
    _check(result, f"mount {source or fstype} on {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as fh:
        fh.write(text)


def _cover_opt(libc: ctypes.CDLL, folder: str) -> None:
    """``/opt`` has no ``ml``: cover it with a tmpfs holding its entries plus ``ml``."""
    stage = os.path.join(folder, f".sabio-opt-{os.getpid()}")
    os.mkdir(stage)
    covered = False
    try:
        _mount(libc, OPT, stage, None, MS_BIND | MS_REC)
        _mount(libc, "tmpfs", OPT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
        covered = True
        for name in os.listdir(stage):
            source, target = os.path.join(stage, name), os.path.join(OPT, name)
            if os.path.islink(source):
                os.symlink(os.readlink(source), target)
                continue
            if os.path.isdir(source):
                os.mkdir(target)
            else:
                open(target, "wb").close()
            _mount(libc, source, target, None, MS_BIND | MS_REC)
        os.mkdir(OPT_ML)
    except OSError:
        if covered:  # give the program the machine's /opt back rather than a partial one
            libc.umount2(os.fsencode(OPT), MNT_DETACH)
        raise
    finally:
        libc.umount2(os.fsencode(stage), MNT_DETACH)
        os.rmdir(stage)


def enter(folder: str) -> None:
    """Make this process's namespace and mount ``folder`` at ``/opt/ml`` in it.

    Raises:
        NamespaceError: the kernel refused (user namespaces disabled, no ``/opt``, ...).
    """
    if not sys.platform.startswith("linux"):
        raise NamespaceError(0, f"mount namespaces need Linux (this is {sys.platform})")
    folder = os.path.realpath(folder)
    uid, gid = os.geteuid(), os.getegid()
    libc = _libc()
    _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare(CLONE_NEWUSER|CLONE_NEWNS)")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    if not os.path.isdir(OPT_ML):
        if not os.path.isdir(OPT) or os.path.islink(OPT):
            raise NamespaceError(0, f"{OPT} is not a folder on this machine")
        _cover_opt(libc, folder)
    _mount(libc, folder, OPT_ML, None, MS_BIND | MS_REC)


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[0] not in ("auto", "required") or argv[2] != "--":
        print("usage: _opt_ml_exec.py auto|required FOLDER -- COMMAND ...", file=sys.stderr)
        return 2
    mode, folder, command = argv[0], argv[1], argv[3:]
    try:
        enter(folder)
    except OSError as exc:
        message = f"sabio: cannot mount the job folder at /opt/ml ({exc}); {HINT}."
        print(message, file=sys.stderr, flush=True)
        if mode == "required":
            return 2
    os.execvp(command[0], command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
