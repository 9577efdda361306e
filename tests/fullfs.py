"""A small real file system that fills up: a tmpfs of a few MiB (needs root).

When the kernel refuses the mount the test that asked is skipped and says why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["Filler", "small_fs"]


@contextlib.contextmanager
def small_fs(path: Path, *, size_kib: int = 4096) -> Iterator[Path]:
    """Mount a ``size_kib`` tmpfs at ``path`` for the duration of the block."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root; this run is not root")
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", path],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"the kernel refused a tmpfs mount: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


class Filler:
    """Takes every free byte of a file system, and gives it back."""

    def __init__(self, where: Path) -> None:
        self.path = where / "filler.bin"

    def fill(self) -> None:
        """Write until the file system says it is full, down to the last bytes."""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (1 << 20, 65536, 4096, 512, 1):
                while True:
                    try:
                        os.write(fd, b"\0" * size)
                    except OSError as exc:
                        assert exc.errno == errno.ENOSPC
                        break
            os.fsync(fd)
        finally:
            os.close(fd)

    def free(self) -> None:
        """Give the space back."""
        self.path.unlink(missing_ok=True)
