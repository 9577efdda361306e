"""File operations the vault relies on: atomic replace, locking and shredding."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

try:  # POSIX (Linux, Android, macOS, iOS); Windows desktop builds fall back to threads
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "atomic_write",
    "dir_lock",
    "fsync_dir",
    "is_disk_full",
    "shred",
    "shred_tree",
]

_CHUNK = 1 << 20
_LOW_SPACE = 64 * 1024
_thread_locks: dict[str, threading.RLock] = {}
_thread_locks_guard = threading.Lock()


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry so a rename survives power loss."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old or new file, never half.

    Each call writes its own uniquely named temporary file (``.<name>.*.tmp``).
    """
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    tmp = Path(tmp_name)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


@contextlib.contextmanager
def dir_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory``: threads in this process, then flock."""
    key = str(directory.resolve())
    with _thread_locks_guard:
        lock = _thread_locks.setdefault(key, threading.RLock())
    with lock:
        if fcntl is None or not directory.is_dir():
            yield
            return
        fd = os.open(directory, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock


def _overwrite(fd: int) -> None:
    with contextlib.suppress(OSError):
        left = os.fstat(fd).st_size
        os.lseek(fd, 0, os.SEEK_SET)
        while left > 0:
            step = min(left, _CHUNK)
            _write_all(fd, os.urandom(step))
            left -= step
        os.fsync(fd)


def shred(path: Path) -> None:
    """Overwrite a file with random bytes, flush, and unlink it. Best effort.

    On flash storage overwriting is not a guarantee (wear levelling); the guarantee
    comes from destroying keys first. This removes the easy copies.
    """
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink()
        return
    try:
        _overwrite(fd)
    finally:
        os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def shred_tree(directory: Path) -> None:
    """Shred every file under ``directory``, then remove it. Best effort, resumable.

    Files are overwritten before any name goes, so if the process dies half way the
    next call finds what is left under the same names and finishes the job.
    """
    if not directory.is_dir():
        return
    files = [p for p in directory.rglob("*") if p.is_file() and not p.is_symlink()]
    for path in files:
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            _overwrite(fd)
        finally:
            os.close(fd)
    for path in files:
        with contextlib.suppress(OSError):
            path.unlink()
    for sub in sorted(directory.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            sub.unlink() if sub.is_symlink() or sub.is_file() else sub.rmdir()
    with contextlib.suppress(OSError):
        directory.rmdir()
    with contextlib.suppress(OSError):
        fsync_dir(directory.parent)


def is_disk_full(exc: BaseException, where: Path | None = None) -> bool:
    """Tell whether an OS or SQLite error means the disk is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    if "disk is full" in text:
        return True
    if "disk i/o error" in text and where is not None:
        with contextlib.suppress(OSError):
            return shutil.disk_usage(where).free < _LOW_SPACE
    return False
