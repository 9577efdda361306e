"""File operations the vault relies on: atomic replace and best-effort shredding."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

__all__ = ["atomic_write", "fsync_dir", "is_disk_full", "shred"]

_CHUNK = 1 << 20


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry so a rename survives power loss."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old or new file, never half."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def shred(path: Path) -> None:
    """Overwrite a file with random bytes, flush, and unlink it. Best effort.

    On flash storage overwriting is not a guarantee (wear levelling); the guarantee
    comes from destroying keys first. This removes the easy copies.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with contextlib.suppress(OSError), open(path, "r+b", buffering=0) as handle:
        left = size
        while left > 0:
            step = min(left, _CHUNK)
            handle.write(os.urandom(step))
            left -= step
        os.fsync(handle.fileno())
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def is_disk_full(exc: BaseException) -> bool:
    """Tell whether an OS or SQLite error means the disk is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "disk is full" in str(exc).lower() or "database or disk is full" in str(exc)
