"""The failed-unlock guard: how many wrong passphrases in a row, and the limit.

A 44-byte file sealed with a key derived from the device pepper, so it can be read
before unlock but not forged or read without the pepper. A guard that is missing or
fails its check while a key file exists was tampered with: the next wrong passphrase
then wipes the vault, so deleting the file never buys an attacker extra guesses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import DiskFull
from app.store.crypto import derive
from app.store.files import atomic_write

__all__ = ["Guard", "GuardState"]

_AAD = b"parley/guard/v1"
_PLAIN = 16


@dataclass(frozen=True, slots=True)
class GuardState:
    """Limit (0 = off), failures so far, and whether the file passed its check."""

    limit: int
    count: int
    valid: bool = True


class Guard:
    """Reads and writes the guard file for one vault."""

    def __init__(self, path: Path, pepper: bytes) -> None:
        self.path = path
        self._aead = AESGCM(derive(pepper, info=b"parley/guard-key/v1"))

    def read(self) -> GuardState:
        """Return the guard state; an unreadable or forged file is not valid."""
        try:
            data = self.path.read_bytes()
            plain = self._aead.decrypt(data[:12], data[12:], _AAD)
        except (OSError, InvalidTag, ValueError):
            return GuardState(0, 0, valid=False)
        return GuardState(plain[0], plain[1])

    def write(self, limit: int, count: int) -> None:
        """Seal and store the state atomically.

        Raises:
            DiskFull: if it cannot be written; callers refuse the attempt then.
        """
        nonce = os.urandom(12)
        plain = bytes((limit, min(count, 255))) + bytes(_PLAIN - 2)
        try:
            atomic_write(self.path, nonce + self._aead.encrypt(nonce, plain, _AAD))
        except OSError as exc:
            raise DiskFull("guard") from exc
