"""``/opt/ml`` for a job's programs: the one place that decides how a program sees its job
folder at SageMaker's container path.

Scripts written for SageMaker often hard-code ``/opt/ml/model``, ``/opt/ml/input/data/train``
or ``/opt/ml/processing/input``. On Linux, :func:`opt_ml_command` wraps a program's command so
it runs in its own mount namespace (unprivileged user namespaces: no root, no Docker) where
its job folder is mounted at ``/opt/ml``; concurrent jobs each see their own, and the
machine's ``/opt`` is never changed. The wrapper (``_opt_ml_exec.py``) ends in ``execvp``, so
the program keeps the pid the supervisor started and stops with the usual signals.

Example:
    >>> from pathlib import Path
    >>> from sabio.supervision import opt_ml_command
    >>> opt_ml_command(["python", "train.py"], Path("/jobs/j1/algo-1"), "off")
    ['python', 'train.py']
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from sabio.exceptions import ConfigError

__all__ = ["OPT_ML_NOTE", "opt_ml_command", "opt_ml_hint"]

_LAUNCHER = Path(__file__).with_name("_opt_ml_exec.py")
#: How the wrapper's note starts when it could not make the namespace (``auto`` mode).
OPT_ML_NOTE = "sabio: cannot mount the job folder at /opt/ml"
_HINT = (
    "This machine cannot show the job folder at /opt/ml (see the job log): use the SageMaker "
    "environment variables instead of /opt/ml paths (SM_MODEL_DIR, SM_CHANNEL_<NAME>, "
    "SM_OUTPUT_DATA_DIR, SM_OUTPUT_DIR, SM_INPUT_CONFIG_DIR), or "
    "os.environ.get('SM_MODEL_DIR', '/opt/ml/model') to keep the script runnable on SageMaker."
)


def opt_ml_command(command: Sequence[str], folder: Path, mode: str = "auto") -> list[str]:
    """The command that runs ``command`` with ``folder`` mounted at ``/opt/ml``.

    Args:
        command: the program and its arguments.
        folder: the job folder (a training host's folder, a processing job's folder) that the
            program sees as ``/opt/ml``.
        mode: the ``opt_ml`` setting: ``auto`` (when the namespace cannot be made the program
            runs without it, after a note on its stderr that starts with :data:`OPT_ML_NOTE`),
            ``on`` (the program does not run: status 2 and that note naming the ``SM_*``
            variables to use), ``off`` (``command`` unchanged). Not on Linux, ``auto`` is
            ``off``.

    Raises:
        ConfigError: an unknown mode.
    """
    if mode not in ("auto", "on", "off"):
        raise ConfigError(f"Unknown opt_ml mode {mode!r}: expected 'auto', 'on' or 'off'.")
    if mode == "off" or (mode == "auto" and not sys.platform.startswith("linux")):
        return list(command)
    wrapper_mode = "required" if mode == "on" else "auto"
    # -I -S: the wrapper imports only the standard library, and no site or user settings.
    return [sys.executable, "-I", "-S", str(_LAUNCHER), wrapper_mode, str(folder), "--", *command]


def opt_ml_hint(stderr_text: str, namespace_missing: bool) -> str:
    """A sentence to add to a failed program's failure reason: how to replace ``/opt/ml``
    paths, when the program mentions them and its namespace could not be made; else ``""``.
    """
    if namespace_missing and "/opt/ml" in stderr_text:
        return _HINT
    return ""
