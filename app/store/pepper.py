"""The device pepper: 32 random bytes mixed into the key-encryption key.

A key file copied off the phone cannot be attacked without the pepper too. On a
phone build the pepper belongs in Keystore/Keychain-backed secure storage; on
desktop and in the local web build it is a private file kept apart from the vault.
Destroying it is the first step of every wipe.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Protocol

from app.errors import DiskFull
from app.store.files import atomic_write, shred

__all__ = ["FilePepper", "MemoryPepper", "PepperStore"]

PEPPER_SIZE = 32


class PepperStore(Protocol):
    """Where the device pepper lives."""

    def load(self) -> bytes | None:
        """Return the pepper, or ``None`` if there is none."""

    def create(self) -> bytes:
        """Make, store and return a fresh pepper, replacing any old one."""

    def destroy(self) -> None:
        """Erase the pepper."""


class FilePepper:
    """A pepper kept in a private file (mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> bytes | None:
        """Return the pepper, or ``None`` if the file is missing or damaged."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return data if len(data) == PEPPER_SIZE else None

    def create(self) -> bytes:
        """Write a fresh pepper atomically."""
        pepper = os.urandom(PEPPER_SIZE)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            atomic_write(self.path, pepper)
        except OSError as exc:
            raise DiskFull("pepper") from exc
        return pepper

    def destroy(self) -> None:
        """Overwrite and unlink the pepper file."""
        with contextlib.suppress(OSError):
            shred(self.path)


class MemoryPepper:
    """A pepper held in memory, for tests."""

    def __init__(self) -> None:
        self.value: bytes | None = None

    def load(self) -> bytes | None:
        """Return the pepper."""
        return self.value

    def create(self) -> bytes:
        """Make a fresh pepper."""
        self.value = os.urandom(PEPPER_SIZE)
        return self.value

    def destroy(self) -> None:
        """Forget the pepper."""
        self.value = None
