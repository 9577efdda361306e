"""The files of a content pack, read from a directory or from one zip archive.

A pack is ``pack.toml``, ``picker.toml`` and one folder per language holding
``language.toml`` and ``cards/<id>.md``; nothing else is accepted::

    pack.toml  picker.toml
    en/language.toml  en/cards/method-indirect.md ...
    fr/language.toml  fr/cards/method-indirect.md ...

The archive the hub ships is a zip built by :func:`build_archive`: sorted
names, fixed timestamps and modes, so the same pack always gives the same bytes and
one signature covers it. Size limits stop a hostile archive from filling the phone.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

from app.errors import ContentError

__all__ = [
    "LANGUAGE_CODE",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "PackFiles",
    "build_archive",
    "read_archive",
    "read_dir",
    "write_dir",
]

PackFiles = dict[str, bytes]

MAX_FILES = 500
MAX_FILE_BYTES = 256 * 1024
MAX_TOTAL_BYTES = 8 * 1024 * 1024
# A language folder is a language code: "fr", "ar", "pt-br".
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")
_NAME = re.compile(
    rf"pack\.toml|picker\.toml"
    rf"|{LANGUAGE_CODE.pattern}/(?:language\.toml|cards/[a-z0-9][a-z0-9_-]{{0,80}}\.md)"
)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def check_name(name: str) -> None:
    """Refuse a file name a pack may not hold.

    Raises:
        ContentError: ``unexpected_file``; ``where`` is the name, cut to 100 chars.
    """
    if not _NAME.fullmatch(name):
        raise ContentError("unexpected_file", name[:100])


def read_dir(root: Path) -> PackFiles:
    """Read a pack directory into memory, checking names and sizes.

    Hidden files (a leading dot, as editors and file managers leave) are skipped.

    Raises:
        ContentError: ``pack_unreadable``, ``unexpected_file``, ``too_many_files``,
            ``file_too_large`` or ``pack_too_large``.
    """
    if not root.is_dir():
        raise ContentError("pack_unreadable", root.name)
    files: PackFiles = {}
    try:
        paths = sorted(p for p in root.rglob("*") if not _hidden(p, root))
        for path in paths:
            if path.is_dir():
                continue
            name = path.relative_to(root).as_posix()
            check_name(name)
            if path.is_symlink():  # could point anywhere on the device
                raise ContentError("unexpected_file", name)
            _check_count(len(files) + 1)
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ContentError("file_too_large", name)
            files[name] = path.read_bytes()
    except OSError:
        raise ContentError("pack_unreadable", root.name) from None
    _check_total(files)
    return files


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_archive(data: bytes) -> PackFiles:
    """Unpack a pack archive into memory, checking names and sizes first.

    Raises:
        ContentError: ``pack_unreadable`` (not a zip, or damaged), ``unexpected_file``,
            ``duplicate_file``, ``too_many_files``, ``file_too_large`` or
            ``pack_too_large``.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = [i for i in archive.infolist() if not i.is_dir()]
            _check_count(len(entries))
            _check_entries(entries)
            files = {i.filename: _read_entry(archive, i) for i in entries}
    except ContentError:
        raise
    except Exception:
        # zipfile fails on hostile bytes in many ways (BadZipFile, zlib.error,
        # ValueError on a bad offset, RuntimeError on encryption...): all mean the
        # same thing here, and none may escape as a traceback.
        raise ContentError("pack_unreadable", "archive") from None
    _check_total(files)
    return files


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    seen: set[str] = set()
    declared = 0
    for info in entries:
        check_name(info.filename)
        if info.filename in seen:
            raise ContentError("duplicate_file", info.filename)
        seen.add(info.filename)
        if info.file_size > MAX_FILE_BYTES:
            raise ContentError("file_too_large", info.filename)
        declared += info.file_size
    if declared > MAX_TOTAL_BYTES:
        raise ContentError("pack_too_large", "archive")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # Never trust the declared size: read one byte past the limit and refuse.
    with archive.open(info) as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ContentError("file_too_large", info.filename)
    return data


def _check_count(count: int) -> None:
    if count > MAX_FILES:
        raise ContentError("too_many_files", "pack")


def _check_total(files: Mapping[str, bytes]) -> None:
    if sum(len(data) for data in files.values()) > MAX_TOTAL_BYTES:
        raise ContentError("pack_too_large", "pack")


def build_archive(files: Mapping[str, bytes]) -> bytes:
    """Pack files into the archive format, byte-for-byte reproducible.

    Args:
        files: pack file names (as :func:`read_dir` returns them) to contents.

    Returns:
        The zip archive, deflated, with sorted names and fixed timestamps.

    Raises:
        ContentError: a name a pack may not hold.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            check_name(name)
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, so the mode above is read back the same
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def write_dir(root: Path, files: Mapping[str, bytes]) -> None:
    """Write pack files under ``root`` (which must not exist yet), flushed to disk.

    Raises:
        OSError: the disk refused; the caller cleans up ``root``.
    """
    root.mkdir()
    for name in sorted(files):
        check_name(name)
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.write(files[name])
            handle.flush()
            os.fsync(handle.fileno())
