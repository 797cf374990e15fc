"""The one archive extractor: every ``.tar``/``.tar.gz`` sabio opens goes through it.

Model archives, ``sourcedir.tar.gz`` and any other archive may come from someone else, so
extraction trusts nothing in them, and nothing in the interpreter's patch level either
(``tarfile``'s ``filter="data"`` had bypasses on unpatched 3.11/3.12, CVE-2025-4517):

- only regular files and folders are extracted; links (symbolic and hard), devices, FIFOs
  and any other member type are refused, since model and code archives never need them;
- a name must be relative, without ``..``, NUL or backslash tricks, and its final path is
  resolved on disk (through folders already created) and must stay inside the destination;
  files are opened with ``O_NOFOLLOW`` so a link placed meanwhile is not followed;
- the number of members and the total size of the files are capped *before* anything is
  written (a decompression bomb is refused, not unpacked); the caps are
  ``Settings.archive_max_members`` and ``Settings.archive_max_bytes``;
- permissions come from sabio, not from the archive: folders ``0700``, files ``0600``
  (``0700`` when the archive marks them executable by their owner, so helper scripts
  keep working), never set-uid, set-gid or world-writable;
- on refusal nothing of the archive is left behind.
"""

from __future__ import annotations

import os
import shutil
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sabio._config import Settings
from sabio.exceptions import ValidationError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_MEMBERS",
    "ArchiveError",
    "ArchiveLimits",
    "extract_archive",
]

#: Default cap on the total size of an archive's files once unpacked (16 GiB).
DEFAULT_MAX_BYTES = 16 * 1024**3
#: Default cap on an archive's number of members.
DEFAULT_MAX_MEMBERS = 100_000
_CHUNK = 1024 * 1024


class ArchiveError(ValidationError):
    """An archive is unreadable, or holds a member sabio refuses to extract.

    Attributes:
        archive: what the archive is (its URI or path).
        member: the member's name, or None when the archive as a whole is refused.
    """

    def __init__(self, message: str, archive: str, member: str | None = None) -> None:
        super().__init__(message)
        self.archive = archive
        self.member = member


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps on what one archive may unpack to.

    Attributes:
        max_bytes: total size of all files, in bytes.
        max_members: number of members (files, folders and refused kinds alike).
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_members: int = DEFAULT_MAX_MEMBERS

    @classmethod
    def from_settings(cls, settings: Settings) -> ArchiveLimits:
        """The workspace's caps (``archive_max_bytes``, ``archive_max_members``)."""
        return cls(settings.archive_max_bytes, settings.archive_max_members)


def _kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return "a symbolic link"
    if member.islnk():
        return "a hard link"
    if member.ischr() or member.isblk():
        return "a device file"
    if member.isfifo():
        return "a FIFO"
    return f"a member of type {member.type!r}"


def _parts(name: str, refuse: _Refuser) -> tuple[str, ...]:
    """The path parts of a member name, refusing absolute names and ``..``."""
    if "\x00" in name or "\\" in name:
        raise refuse(name, "its name holds a NUL or backslash character")
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":"):
        raise refuse(name, "its name is an absolute path")
    parts = tuple(part for part in path.parts if part not in ("", "."))
    if ".." in parts:
        raise refuse(name, "its name climbs out of the destination with '..'")
    return parts


class _Refuser:
    def __init__(self, source: str, what: str) -> None:
        self.source = source
        self.what = what

    def __call__(self, member: str | None, reason: str, fix: str = "") -> ArchiveError:
        where = f"member {member!r} of " if member is not None else ""
        hint = fix or (
            "Model and code archives hold only files and folders with relative names; "
            "re-create it with `tar czf model.tar.gz -C <folder> .` (no links)."
        )
        return ArchiveError(
            f"Refused to extract {where}the {self.what} {self.source}: {reason}. {hint}",
            self.source,
            member,
        )


def _inside(root: Path, parts: tuple[str, ...], refuse: _Refuser, name: str) -> Path:
    """The member's path under ``root``, checked on disk: no part may be a link, and the
    resolved path must stay in ``root``."""
    current = root
    for part in parts:
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode):
            raise refuse(name, f"its path goes through the link {current}")
    target = root.joinpath(*parts)
    resolved = Path(os.path.realpath(target))
    if resolved != root and root not in resolved.parents:
        raise refuse(name, f"it resolves to {resolved}, outside {root}")
    return target


def _makedirs(root: Path, parts: tuple[str, ...]) -> None:
    """Create the folders ``root/parts...`` that are missing, each ``0700`` (the modes of
    ``mkdir(parents=True)`` would follow the umask)."""
    current = root
    for part in parts:
        current = current / part
        try:
            current.mkdir(mode=0o700)
        except FileExistsError:
            if not current.is_dir() or current.is_symlink():
                raise
        else:
            os.chmod(current, 0o700)


def _write(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> int:
    source = tar.extractfile(member)
    if source is None:  # pragma: no cover - a regular file always has a stream
        return 0
    if target.exists() and not target.is_symlink() and target.is_file():
        target.unlink()  # a later member of the same name wins, as with tar
    mode = 0o700 if member.mode & stat.S_IXUSR else 0o600
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    written = 0
    with os.fdopen(fd, "wb") as out, source:
        while chunk := source.read(_CHUNK):
            out.write(chunk)
            written += len(chunk)
    os.chmod(target, mode)  # the umask may have removed bits; never more than these
    return written


def extract_archive(
    archive: Path,
    dest: Path,
    *,
    what: str = "archive",
    source: str | None = None,
    limits: ArchiveLimits | None = None,
) -> int:
    """Extract a ``.tar`` (optionally gzip/bz2/xz-compressed) archive into ``dest`` safely.

    Args:
        archive: the archive file on local disk.
        dest: the destination folder (created when missing; should be empty).
        what: what the archive is, for messages ("model data", "source_dir").
        source: where it came from, for messages (a URI); default ``archive``.
        limits: caps on members and total size (default :class:`ArchiveLimits`).

    Returns:
        The number of bytes written.

    Raises:
        ArchiveError: the archive is unreadable, holds a link, device, absolute or ``..``
            name or a path that leaves ``dest``, or exceeds a cap. Nothing of it is left in
            ``dest`` then.

    Example:
        >>> from pathlib import Path
        >>> from sabio.storage import extract_archive
        >>> extract_archive(Path("model.tar.gz"), Path("model"))  # doctest: +SKIP
        1234
    """
    limits = limits or ArchiveLimits()
    refuse = _Refuser(source or str(archive), what)
    dest.mkdir(parents=True, exist_ok=True)
    root = Path(os.path.realpath(dest))
    before = set(os.listdir(root))
    try:
        return _extract(archive, root, refuse, limits)
    except BaseException:
        for name in set(os.listdir(root)) - before:
            path = root / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise


def _extract(archive: Path, root: Path, refuse: _Refuser, limits: ArchiveLimits) -> int:
    total = 0
    count = 0
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise refuse(
            None,
            f"it is not a readable .tar.gz archive ({type(exc).__name__}: {exc})",
            "Point it at a .tar.gz written by a training job (or `tar czf`), or a folder.",
        ) from None
    with tar:
        try:
            # Iterating reads one header at a time: the caps hold before a bomb's later
            # members are even decompressed.
            for member in tar:
                count += 1
                if count > limits.max_members:
                    raise refuse(
                        None,
                        f"it holds more than {limits.max_members} members",
                        "Raise archive_max_members (SABIO_ARCHIVE_MAX_MEMBERS) if it is genuine.",
                    )
                name = member.name
                if not (member.isreg() or member.isdir()):
                    raise refuse(name, f"it is {_kind(member)}")
                parts = _parts(name, refuse)
                if not parts:
                    continue  # the archive's root folder ("./")
                if member.isreg():
                    total += member.size
                    if total > limits.max_bytes:
                        raise refuse(
                            name,
                            f"its files add up to more than {limits.max_bytes} bytes "
                            "unpacked (archive_max_bytes)",
                            "Raise archive_max_bytes (SABIO_ARCHIVE_MAX_BYTES) if it is genuine.",
                        )
                target = _inside(root, parts, refuse, name)
                if member.isdir():
                    _makedirs(root, parts)
                    continue
                _makedirs(root, parts[:-1])
                if target.is_dir() and not target.is_symlink():
                    raise refuse(name, "a folder of the same name was extracted before it")
                _write(tar, member, target)
        except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
            if isinstance(exc, ArchiveError):
                raise
            raise refuse(
                None,
                f"reading or unpacking it failed ({type(exc).__name__}: {exc})",
                "Check that the archive is complete (re-create and upload it again) and that "
                "the disk has room.",
            ) from None
    return total
