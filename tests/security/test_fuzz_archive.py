"""Fuzzing the archive extractor (issue 19): for any archive of files, folders, links,
devices and odd names, :func:`extract_archive` either extracts only regular files and
folders inside the destination (with sabio's modes) or refuses with :class:`ArchiveError`
and leaves nothing; nothing is ever written outside. See ``_fuzz.py`` for the example count."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sabio.storage import ArchiveError, ArchiveLimits, extract_archive

from ._fuzz import FUZZ

PARTS = ["a", "b", "..", ".", "", "code", "x" * 120, "ü", "/", "\\", "C:", "a\x00b"]
names = st.lists(st.sampled_from(PARTS), min_size=1, max_size=5).map("/".join)
KINDS = {
    "file": tarfile.REGTYPE,
    "dir": tarfile.DIRTYPE,
    "symlink": tarfile.SYMTYPE,
    "hardlink": tarfile.LNKTYPE,
    "fifo": tarfile.FIFOTYPE,
    "chr": tarfile.CHRTYPE,
}
members = st.lists(
    st.tuples(
        names,
        st.sampled_from(sorted(KINDS)),
        st.one_of(names, st.sampled_from(["/etc/passwd", "../../outside", "../outside/f"])),
        st.binary(max_size=64),
        st.integers(0, 0o7777),
    ),
    min_size=1,
    max_size=8,
)


def _archive(path: Path, entries: list[tuple[str, str, str, bytes, int]]) -> None:
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, kind, target, data, mode in entries:
            info = tarfile.TarInfo(name)
            info.type = KINDS[kind]
            info.mode = mode
            if kind in ("symlink", "hardlink"):
                info.linkname = target
            if kind == "file":
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)


def _tree(root: Path) -> list[Path]:
    return [Path(d) / n for d, dirs, files in os.walk(root) for n in (*dirs, *files)]


@FUZZ
@given(entries=members, max_members=st.integers(1, 10), max_bytes=st.integers(0, 200))
def test_fuzz_archive_extract_stays_inside(
    entries: list[tuple[str, str, str, bytes, int]], max_members: int, max_bytes: int
) -> None:
    with tempfile.TemporaryDirectory(prefix="sabio-fuzz-") as tmp:
        root = Path(tmp)
        outside = root / "outside"
        outside.mkdir()
        archive = root / "a.tar.gz"
        _archive(archive, entries)
        dest = root / "work" / "dest"
        try:
            extract_archive(archive, dest, limits=ArchiveLimits(max_bytes, max_members))
        except ArchiveError as exc:
            assert str(exc) and exc.archive
            assert _tree(dest) == [], "a refused archive left files behind"
        else:
            for path in _tree(dest):
                info = os.lstat(path)
                assert stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode), path
                assert stat.S_IMODE(info.st_mode) & 0o7077 == 0, oct(info.st_mode)
                assert Path(os.path.realpath(path)).is_relative_to(dest.resolve())
        assert _tree(outside) == []
        assert sorted(p.name for p in root.iterdir()) == ["a.tar.gz", "outside", "work"]
        assert [p.name for p in (root / "work").iterdir()] == ["dest"]
