"""A parsed URI bound to its backend, and a walk over local folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sabio.storage._backend import Backend
from sabio.storage._keys import LocalLocation, ObjectLocation

__all__ = ["Target", "walk_local"]


@dataclass(frozen=True)
class Target:
    """A parsed URI bound to the backend that holds it and its native path there."""

    location: ObjectLocation | LocalLocation
    backend: Backend
    path: str

    @property
    def uri(self) -> str:
        return self.location.uri

    @property
    def is_folder_form(self) -> bool:
        """Written as a folder: a bucket root or a key ending with ``/``."""
        loc = self.location
        return isinstance(loc, ObjectLocation) and (not loc.key or loc.key.endswith("/"))

    def child_uri(self, relative: str) -> str:
        loc = self.location
        if isinstance(loc, ObjectLocation):
            return loc.child(relative).uri
        return f"file://{os.path.join(loc.path, *relative.split('/'))}"

    def child_path(self, relative: str) -> str:
        return self.backend.join(self.path, relative)


def walk_local(folder: Path) -> Iterator[tuple[Path, str]]:
    """``(path, relative key)`` of every file below ``folder``, in sorted order."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        relative = os.path.relpath(dirpath, folder)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in sorted(filenames):
            yield Path(dirpath, name), prefix + name
