"""The code of a framework processor: the framework check and SageMaker's
``sourcedir.tar.gz`` + ``runproc.sh`` pair."""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path
from typing import Any

from sabio.exceptions import FrameworkNotInstalledError, ValidationError

__all__ = ["RUNPROC", "check_framework", "pack_framework_code"]

#: SageMaker's runproc.sh, with the code folder found next to the script's own folder
#: (``/opt/ml/processing/input/code``) so it runs where ``/opt/ml`` is mapped too.
RUNPROC = """#!/bin/bash
# Written by sabio's FrameworkProcessor (SageMaker's runproc.sh): unpack the code, run it.
set -e
cd "$(dirname "$0")/../code"
tar -xzf sourcedir.tar.gz
{command} {entry} "$@"
"""


def check_framework(processor: str, estimator_cls: Any, framework_version: Any) -> str:
    """The framework name of ``estimator_cls``, once its module is known to be installed
    and ``framework_version`` is given (as the framework estimators check).

    Raises:
        ValidationError: no ``framework_version``, or not a framework estimator class.
        FrameworkNotInstalledError: the framework is not installed in this environment.
    """
    if not isinstance(framework_version, str) or not framework_version:
        raise ValidationError(
            f"{processor} needs framework_version= (a string such as '1.2-1'); sabio records "
            f"it and runs the framework installed here. Got {framework_version!r}."
        )
    module = getattr(estimator_cls, "_framework_module", None)
    framework = getattr(estimator_cls, "_framework", None)
    if not module or not framework:
        raise ValidationError(
            f"{processor}: estimator_cls={estimator_cls!r} is not a framework estimator class: "
            "pass sabio.sklearn.SKLearn, sabio.pytorch.PyTorch or sabio.xgboost.XGBoost."
        )
    if importlib.util.find_spec(module) is None:
        pip = getattr(estimator_cls, "_framework_pip", None) or module
        raise FrameworkNotInstalledError(
            f"{processor} runs your script in this Python environment, but {module!r} is not "
            f"installed here. Install it (pip install {pip}) and retry."
        )
    return str(framework)


def pack_framework_code(
    code: str, source_dir: str | None, dependencies: list[str], command: list[str], folder: Path
) -> Path:
    """Write ``sourcedir.tar.gz`` (``source_dir`` or ``code``'s file, plus ``dependencies``)
    and ``runproc.sh`` into ``folder``; return ``folder``.

    Raises:
        NotFoundError, ValidationError: the code, source_dir or a dependency is missing.
    """
    from sabio.training import pack_code

    if "://" in code:
        raise ValidationError(
            f"code={code!r}: a framework processor packs local code; pass a file path "
            "(relative to source_dir when given)."
        )
    entry = pack_code(
        code,
        Path(source_dir) if source_dir else None,
        [Path(d) for d in dependencies],
        folder / "sourcedir.tar.gz",
    )
    script = RUNPROC.format(
        command=" ".join(shlex.quote(part) for part in command), entry=shlex.quote(entry)
    )
    (folder / "runproc.sh").write_text(script)
    return folder
