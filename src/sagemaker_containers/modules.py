"""``sagemaker_containers.modules``: importing the user's module by name."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

__all__ = ["import_module"]

DEFAULT_MODULE_NAME = "default_user_module_name"


def import_module(
    uri: str, name: str = DEFAULT_MODULE_NAME, cache: bool | None = None
) -> ModuleType:
    """Import module ``name`` from the local folder ``uri`` (or ``file://`` URI).

    In a sabio job the code is already unpacked in the job's code folder, so no download
    is needed; a folder is put on ``sys.path`` first.
    """
    folder = uri.removeprefix("file://")
    if folder and folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(name)
