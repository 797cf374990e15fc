"""Finding 1 of issue 19: hostile archives are refused by sabio's one extractor, whatever the
interpreter's patch level, and nothing is written outside the destination."""

from __future__ import annotations

import os
import stat
import tarfile
import time
from pathlib import Path

import pytest

from sabio._config import load_settings
from sabio.inference import ModelSpec, prepare_model
from sabio.storage import ArchiveError, ArchiveLimits, extract_archive
from sabio.training._code import unpack_code

from ._archives import add_dir, add_file, add_link, cve_2025_4517, gzip_bomb, write_tar


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    """``(dest, outside)``: an extraction folder and a sibling folder nothing may reach."""
    dest, outside = tmp_path / "work" / "dest", tmp_path / "outside"
    dest.parent.mkdir()
    outside.mkdir()
    return dest, outside


def _refused(archive: Path, dest: Path, outside: Path, match: str, **kw: object) -> ArchiveError:
    with pytest.raises(ArchiveError, match=match) as info:
        extract_archive(archive, dest, what="model data", **kw)  # type: ignore[arg-type]
    assert list(outside.iterdir()) == [], "something was written outside the destination"
    assert not dest.exists() or list(dest.iterdir()) == [], "a refused archive left files"
    assert str(archive) in str(info.value)
    return info.value


def test_archive_symlink_escape_is_refused(tmp_path: Path, places: tuple[Path, Path]) -> None:
    dest, outside = places
    archive = tmp_path / "a.tar.gz"
    with write_tar(archive) as tar:
        add_file(tar, "xgboost-model", b"{}")
        add_link(tar, "out", str(outside))
        add_file(tar, "out/pwned")
    error = _refused(archive, dest, outside, "member 'out' .* symbolic link")
    assert error.member == "out"


def test_archive_hardlink_escape_is_refused(tmp_path: Path, places: tuple[Path, Path]) -> None:
    dest, outside = places
    victim = outside / "victim"
    archive = tmp_path / "a.tar.gz"
    with write_tar(archive) as tar:
        add_link(tar, "model", str(victim), hard=True)
        add_file(tar, "model", b"overwritten")
    victim.write_text("keep me")
    with pytest.raises(ArchiveError, match="hard link"):
        extract_archive(archive, dest)
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize(
    "name", ["../pwned", "a/../../pwned", "code/../../../pwned", "/tmp/sabio-pwned-abs", "C:x"]
)
def test_archive_traversal_and_absolute_names_are_refused(
    tmp_path: Path, places: tuple[Path, Path], name: str
) -> None:
    dest, outside = places
    archive = tmp_path / "a.tar.gz"
    with write_tar(archive) as tar:
        add_file(tar, "ok.txt")
        add_file(tar, name, b"escaped")
    _refused(archive, dest, outside, "absolute path|'\\.\\.'")
    assert not Path("/tmp/sabio-pwned-abs").exists()
    assert not (tmp_path / "work" / "pwned").exists() and not (tmp_path / "pwned").exists()


def test_archive_cve_2025_4517_chain_is_refused(tmp_path: Path, places: tuple[Path, Path]) -> None:
    dest, outside = places
    archive = tmp_path / "cve.tar"
    cve_2025_4517(archive, outside, dest)
    _refused(archive, dest, outside, "symbolic link")
    assert not (outside / "pwned").exists()


def test_archive_device_and_fifo_members_are_refused(
    tmp_path: Path, places: tuple[Path, Path]
) -> None:
    dest, outside = places
    for kind, label in ((tarfile.CHRTYPE, "device"), (tarfile.FIFOTYPE, "FIFO")):
        archive = tmp_path / f"{label}.tar.gz"
        with write_tar(archive) as tar:
            info = tarfile.TarInfo("dev")
            info.type = kind
            tar.addfile(info)
        _refused(archive, dest, outside, label)


def test_archive_existing_link_in_destination_is_not_followed(
    tmp_path: Path, places: tuple[Path, Path]
) -> None:
    dest, outside = places
    dest.mkdir()
    (dest / "code").symlink_to(outside, target_is_directory=True)
    archive = tmp_path / "a.tar.gz"
    with write_tar(archive) as tar:
        add_file(tar, "code/inference.py", b"print('pwned')")
    with pytest.raises(ArchiveError, match="goes through the link"):
        extract_archive(archive, dest)
    assert list(outside.iterdir()) == []


def test_archive_gzip_bomb_is_refused_before_unpacking(
    tmp_path: Path, places: tuple[Path, Path]
) -> None:
    dest, outside = places
    archive = tmp_path / "bomb.tar.gz"
    gzip_bomb(archive, 64 * 1024 * 1024)  # 64 MiB of zeros, about 64 KiB on disk
    assert archive.stat().st_size < 1024 * 1024
    start = time.monotonic()
    _refused(archive, dest, outside, "more than 1048576 bytes", limits=ArchiveLimits(1024**2))
    assert time.monotonic() - start < 5  # refused from the header, not after inflating it


def test_archive_member_count_is_capped(tmp_path: Path, places: tuple[Path, Path]) -> None:
    dest, outside = places
    archive = tmp_path / "many.tar.gz"
    gzip_bomb(archive, 0, members=50)
    _refused(archive, dest, outside, "more than 10 members", limits=ArchiveLimits(max_members=10))


def test_archive_modes_come_from_sabio_not_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "a.tar.gz"
    with write_tar(archive) as tar:
        add_dir(tar, "code")
        add_file(tar, "code/inference.py", b"x = 1\n", mode=0o6777)
        add_file(tar, "code/run.sh", b"echo hi\n", mode=0o755)
        add_file(tar, "weights.json", b"[1]", mode=0o666)
    dest = tmp_path / "dest"
    assert extract_archive(archive, dest) == len(b"x = 1\n") + len(b"echo hi\n") + 3

    def mode(path: Path) -> int:
        return stat.S_IMODE(os.stat(path).st_mode)

    assert mode(dest / "code") == 0o700
    assert mode(dest / "code" / "inference.py") == 0o700  # owner-executable kept, nothing else
    assert mode(dest / "code" / "run.sh") == 0o700
    assert mode(dest / "weights.json") == 0o600
    assert (dest / "code" / "inference.py").read_bytes() == b"x = 1\n"


def test_archive_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.tar.gz"
    bad.write_bytes(b"definitely not gzip")
    with pytest.raises(ArchiveError, match=r"not a readable \.tar\.gz archive"):
        extract_archive(bad, tmp_path / "dest")


def test_archive_limits_come_from_settings(
    sabio_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SABIO_ARCHIVE_MAX_BYTES", "1000")
    archive = tmp_path / "model.tar.gz"
    gzip_bomb(archive, 4096)
    settings = load_settings()
    assert ArchiveLimits.from_settings(settings) == ArchiveLimits(1000, 100_000)
    # Both archive paths of sabio use the one extractor: model data and training code.
    with pytest.raises(ArchiveError, match="archive_max_bytes"):
        prepare_model(settings, ModelSpec(model_data_url=str(archive)), tmp_path / "m")
    with pytest.raises(ArchiveError, match=r"code archive \(sourcedir\.tar\.gz\)"):
        unpack_code(archive, tmp_path / "code", ArchiveLimits.from_settings(settings))
    assert not (tmp_path / "code").exists() or not any((tmp_path / "code").iterdir())


@pytest.mark.parametrize("value", ["0", "-5", "lots"])
def test_archive_limit_settings_must_be_positive_numbers(
    sabio_home: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from sabio.exceptions import ConfigError

    monkeypatch.setenv("SABIO_ARCHIVE_MAX_MEMBERS", value)
    with pytest.raises(ConfigError, match="SABIO_ARCHIVE_MAX_MEMBERS"):
        load_settings()
