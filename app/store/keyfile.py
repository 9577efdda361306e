"""The key file: a fixed-size, label-free file of wrapped data keys.

Layout (266 bytes, no magic)::

    salt(16) ‖ memory_kib(u32) ‖ iterations(u8) ‖ lanes(u8) ‖ 4 × slot(61)
    slot = nonce(12) ‖ AES-GCM_KEK(type(1) ‖ key(32)) ‖ tag(16),  AAD = header ‖ index

Unused slots are random bytes, so the file looks the same whether or not a
duress passphrase exists. One Argon2id run per attempt, then every slot is tried.
"""

from __future__ import annotations

import os
import secrets
import struct
from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import DiskFull, VaultCorrupt
from app.store.crypto import derive
from app.store.files import atomic_write
from app.store.kdf import KdfParams, stretch

__all__ = ["KEYFILE_SIZE", "KeyFile", "Opened", "SlotType", "derive_kek"]

_HEADER = struct.Struct(">16sIBB")
SLOTS = 4
_SLOT_PLAIN = 33
SLOT_SIZE = 12 + _SLOT_PLAIN + 16
KEYFILE_SIZE = _HEADER.size + SLOTS * SLOT_SIZE


class SlotType(IntEnum):
    """What a slot's passphrase does."""

    REAL = 1
    DURESS = 2


def derive_kek(
    passphrase: str, *, salt: bytes, params: KdfParams, pepper: bytes
) -> bytes:
    """Passphrase → Argon2id → HKDF with the device pepper → key-encryption key."""
    stretched = stretch(passphrase, salt=salt, params=params)
    return derive(stretched, salt=pepper, info=b"parley/kek/v1")


@dataclass(frozen=True, slots=True)
class Opened:
    """A slot that a key-encryption key opened."""

    index: int
    kind: SlotType
    key: bytes
    link: int | None


@dataclass
class KeyFile:
    """An in-memory key file. Slots hold sealed bytes; ``None`` marks a free slot."""

    salt: bytes
    params: KdfParams
    slots: list[bytes | None] = field(default_factory=lambda: [None] * SLOTS)

    @classmethod
    def new(cls, params: KdfParams) -> KeyFile:
        """Return an empty key file with a fresh salt."""
        return cls(salt=os.urandom(16), params=params)

    def header(self) -> bytes:
        """Return the authenticated header bytes."""
        p = self.params
        return _HEADER.pack(self.salt, p.memory_kib, p.iterations, p.lanes)

    def seal_slot(
        self,
        index: int,
        *,
        kek: bytes,
        kind: SlotType,
        key: bytes,
        link: int | None = None,
    ) -> None:
        """Wrap ``key`` under ``kek`` into slot ``index``.

        ``link`` (real slots only) names the duress slot, sealed so that only the
        owner of the real passphrase can find it.
        """
        nonce = os.urandom(12)
        aad = self.header() + bytes((index,))
        tag = kind | ((link + 1) << 4 if link is not None else 0)
        body = AESGCM(kek).encrypt(nonce, bytes((tag,)) + key, aad)
        self.slots[index] = nonce + body

    def open_any(self, kek: bytes) -> Opened | None:
        """Try ``kek`` on every slot (always all of them) and return the one it opens."""
        aead = AESGCM(kek)
        found: Opened | None = None
        for index, slot in enumerate(self.raw_slots()):
            aad = self.header() + bytes((index,))
            try:
                plain = aead.decrypt(slot[:12], slot[12:], aad)
            except InvalidTag:
                continue
            kind, link = plain[0] & 0x0F, plain[0] >> 4
            if found is None and kind in (SlotType.REAL, SlotType.DURESS):
                found = Opened(
                    index, SlotType(kind), plain[1:], link - 1 if link else None
                )
        return found

    def free_slot(self, *, avoid: set[int]) -> int:
        """Pick a random slot index outside ``avoid``."""
        choices = [i for i in range(SLOTS) if i not in avoid]
        return secrets.choice(choices)

    def raw_slots(self) -> list[bytes]:
        """Return the slots as stored, random bytes in place of free ones."""
        if any(slot is None for slot in self.slots):
            self.slots = [
                s if s is not None else os.urandom(SLOT_SIZE) for s in self.slots
            ]
        return [s for s in self.slots if s is not None]

    def to_bytes(self) -> bytes:
        """Serialise to the fixed 266-byte layout."""
        return self.header() + b"".join(self.raw_slots())

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyFile:
        """Parse a key file.

        Raises:
            VaultCorrupt: if the size or the cost parameters are impossible.
        """
        if len(data) != KEYFILE_SIZE:
            raise VaultCorrupt("keyfile")
        salt, memory, iterations, lanes = _HEADER.unpack_from(data)
        if not (8 <= memory <= 4 * 1024 * 1024 and 1 <= iterations and lanes == 1):
            raise VaultCorrupt("keyfile")
        body = data[_HEADER.size :]
        slots: list[bytes | None] = [
            body[i * SLOT_SIZE : (i + 1) * SLOT_SIZE] for i in range(SLOTS)
        ]
        return cls(salt=salt, params=KdfParams(memory, iterations, lanes), slots=slots)

    def with_salt(self, salt: bytes) -> KeyFile:
        """Return a copy with another salt and no slots."""
        return replace(self, salt=salt, slots=[None] * SLOTS)

    def save(self, path: Path) -> None:
        """Write atomically: temp file, fsync, rename, fsync the directory."""
        try:
            atomic_write(path, self.to_bytes())
        except OSError as exc:
            raise DiskFull("keyfile") from exc

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        """Read and parse the key file at ``path``."""
        return cls.from_bytes(path.read_bytes())
