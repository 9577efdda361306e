"""Files whose updates overwrite the same blocks: where key material really dies.

Replacing a file by rename leaves the old blocks in free space, and a copy-on-write
file system (btrfs, f2fs, APFS, ZFS) writes every update somewhere new, so the old
bytes survive until the space is reused. A secret is destroyed only if the very
blocks that held it are overwritten. This module makes small fixed-size files whose
updates do that wherever the file system allows it:

* ext2/3/4 (default ``data=ordered``), XFS, FAT and tmpfs overwrite in place. The
  files are 8 KiB, too big for ext4 ``inline_data`` (which would put them in the
  inode, and so in the journal) and for btrfs inline extents (which live in
  copy-on-write metadata).
* btrfs does it for a file marked no-copy-on-write (``chattr +C``) while it was
  still empty.
* f2fs does it for a pinned file (``F2FS_IOC_SET_PIN_FILE``).
* Anything else (overlay, network, FUSE, ZFS, APFS, unknown) is not assured.

:func:`in_place` says which case a file is in; the Settings screen reports it. The
limits no file system fixes (flash wear levelling, snapshots taken by someone else)
are in ``docs/security.md``.
"""

from __future__ import annotations

import array
import contextlib
import errno
import os
import re
import struct
import tempfile
from pathlib import Path

try:  # POSIX only; elsewhere nothing is assured
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

from app.store.files import fsync_dir

__all__ = [
    "INPLACE_SIZE",
    "create_inplace",
    "fs_type",
    "in_place",
    "mark_dir_nocow",
    "read_file",
    "write_at",
]

INPLACE_SIZE = 8192
_LONG = struct.calcsize("l")
# _IOR('f', 1, long) and _IOW('f', 2, long): chattr's FS_IOC_GETFLAGS/SETFLAGS.
_FS_IOC_GETFLAGS = (2 << 30) | (_LONG << 16) | (ord("f") << 8) | 1
_FS_IOC_SETFLAGS = (1 << 30) | (_LONG << 16) | (ord("f") << 8) | 2
_FS_NOCOW_FL = 0x00800000
# _IOW(0xf5, 13, __u32) and _IOR(0xf5, 14, __u32): f2fs pin / get-pin.
_F2FS_IOC_SET_PIN_FILE = (1 << 30) | (4 << 16) | (0xF5 << 8) | 13
_F2FS_IOC_GET_PIN_FILE = (2 << 30) | (4 << 16) | (0xF5 << 8) | 14
_PLAIN_IN_PLACE = {"ext2", "ext3", "ext4", "xfs", "vfat", "msdos", "exfat", "tmpfs"}
_PLAIN_IN_PLACE |= {"ramfs"}


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes.
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _mount_of(path: Path) -> tuple[str, str]:
    """The (file system type, super options) of the mount holding ``path``."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return "", ""
    target = str(path.resolve())
    best, found = -1, ("", "")
    for line in lines:
        left, _, right = line.partition(" - ")
        parts, tail = left.split(), right.split()
        if len(parts) < 5 or len(tail) < 3:
            continue
        mount = _unescape(parts[4])
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) > best:
            best, found = len(mount), (tail[0], tail[2])
    return found


def fs_type(path: Path) -> str:
    """The file system type holding ``path`` (``""`` when it cannot be told)."""
    return _mount_of(path)[0]


def _flags(fd: int) -> int:
    buf = array.array("i", [0])
    fcntl.ioctl(fd, _FS_IOC_GETFLAGS, buf, True)
    return buf[0]


def _set_nocow(fd: int) -> None:
    with contextlib.suppress(OSError):
        buf = array.array("i", [_flags(fd) | _FS_NOCOW_FL])
        fcntl.ioctl(fd, _FS_IOC_SETFLAGS, buf, False)


def _pin(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.ioctl(fd, _F2FS_IOC_SET_PIN_FILE, array.array("I", [1]), False)


def _pinned(fd: int) -> bool:
    buf = array.array("I", [0])
    try:
        fcntl.ioctl(fd, _F2FS_IOC_GET_PIN_FILE, buf, True)
    except OSError:
        return False
    return buf[0] != 0


def _assured(fd: int, kind: str, options: str) -> bool:
    if fcntl is None:
        return False
    if kind in ("ext3", "ext4") and "data=journal" in options.split(","):
        return False  # the journal keeps a copy of every data block written
    if kind in _PLAIN_IN_PLACE:
        return True
    try:
        if kind == "btrfs":
            return bool(_flags(fd) & _FS_NOCOW_FL)
        if kind == "f2fs":
            return _pinned(fd)
    except OSError:
        return False
    return False


def in_place(path: Path) -> bool:
    """True when updates to the file at ``path`` overwrite its own blocks."""
    kind, options = _mount_of(path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return _assured(fd, kind, options)
    finally:
        os.close(fd)


def mark_dir_nocow(directory: Path) -> None:
    """On btrfs, make files created later in ``directory`` no-copy-on-write.

    Best effort and silent elsewhere: the database files in the vault folder then
    overwrite their own pages too.
    """
    if fcntl is None or fs_type(directory) != "btrfs":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            _set_nocow(fd)
        finally:
            os.close(fd)


def _write_all_at(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def create_inplace(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data`` (its final size), ready for in-place updates.

    The file is built under a temporary name, marked before its first byte is
    written, flushed, then renamed into place, so a crash leaves either no file or a
    whole one.

    Raises:
        OSError: if it cannot be written (``ENOSPC`` when the disk is full).
    """
    kind = fs_type(path.parent)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    tmp = Path(tmp_name)
    try:
        if fcntl is not None and kind == "btrfs":
            _set_nocow(fd)
        if fcntl is not None and kind == "f2fs":
            _pin(fd)
            with contextlib.suppress(OSError):
                os.posix_fallocate(fd, 0, len(data))
        _write_all_at(fd, data, 0)
        os.fsync(fd)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_at(path: Path, offset: int, data: bytes) -> None:
    """Overwrite ``len(data)`` bytes of ``path`` at ``offset`` and flush them.

    Raises:
        OSError: if the file is missing, shorter than the write, or the write fails.
    """
    fd = os.open(path, os.O_RDWR)
    try:
        if os.fstat(fd).st_size < offset + len(data):
            raise OSError(errno.EINVAL, "in-place write past the end of the file")
        _write_all_at(fd, data, offset)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_file(path: Path) -> bytes | None:
    """The bytes of ``path``, or ``None`` when it does not exist.

    Raises:
        OSError: for any other failure to read.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
