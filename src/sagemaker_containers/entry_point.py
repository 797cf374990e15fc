"""``sagemaker_containers.entry_point``: running a user entry point as the containers do."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence

__all__ = ["run"]


def run(
    uri: str,
    user_entry_point: str,
    args: Sequence[str],
    env_vars: Mapping[str, str] | None = None,
    wait: bool = True,
    capture_error: bool = False,
    runner: object = None,
    extra_opts: object = None,
) -> subprocess.Popen[bytes] | int:
    """Run ``user_entry_point`` (a ``.py`` or ``.sh`` file in folder ``uri``) with ``args``.

    Returns the exit code when ``wait`` (raising on failure), else the started process.

    Raises:
        subprocess.CalledProcessError: the entry point exited with a non-zero status.
    """
    folder = uri.removeprefix("file://")
    path = os.path.join(folder, user_entry_point)
    program = ["/bin/sh", path] if path.endswith(".sh") else [sys.executable, path]
    env = {**os.environ, **(env_vars or {})}
    # Not the job kernel's spawn: this runs inside a user's job (a script calling the
    # container library), as the user's own child, and SageMaker's API hands back the Popen.
    process = subprocess.Popen(
        [*program, *args],
        cwd=folder or None,
        env=env,
        stderr=subprocess.PIPE if capture_error else None,
    )
    if not wait:
        return process
    _, stderr = process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, program, stderr=stderr)
    return 0
