"""The key file: a fixed-size, label-free file of wrapped data keys.

Layout (398 bytes, no magic)::

    salt(16) ‖ memory_kib(u32) ‖ iterations(u8) ‖ lanes(u8) ‖ 4 × slot(94)
    slot  = nonce(12) ‖ AES-GCM_KEK(plain(66)) ‖ tag(16),   AAD = header ‖ index
    plain = tag(1) ‖ wipe_limit(1) ‖ key(32) ‖ aux(32)

The real slot's ``aux`` holds the duress slot's key-encryption key (random when there
is none), and the high nibble of its tag names the duress slot. So whoever knows the
real passphrase can re-seal all four slots on every change: two copies of the file
taken at different times differ in every slot, whatever was changed. Free slots are
random bytes. One Argon2id run per attempt, then every slot is tried.
"""

from __future__ import annotations

import os
import secrets
import struct
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import DiskFull, VaultCorrupt
from app.store.files import atomic_write
from app.store.kdf import KdfParams

__all__ = ["KEYFILE_SIZE", "KeyFile", "Opened", "Plan", "SlotType"]

_HEADER = struct.Struct(">16sIBB")
SLOTS = 4
_PLAIN = 1 + 1 + 32 + 32
SLOT_SIZE = 12 + _PLAIN + 16
KEYFILE_SIZE = _HEADER.size + SLOTS * SLOT_SIZE


class SlotType(IntEnum):
    """What a slot's passphrase does."""

    REAL = 1
    DURESS = 2


@dataclass(frozen=True, slots=True)
class Opened:
    """A slot that a key-encryption key opened."""

    index: int
    kind: SlotType
    key: bytes
    aux: bytes
    link: int | None
    limit: int


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything the owner of the real passphrase decides about the key file."""

    real_index: int
    real_kek: bytes
    data_key: bytes
    duress: tuple[int, bytes] | None = None  # (slot index, key-encryption key)
    wipe_limit: int = 0

    @classmethod
    def from_opened(cls, opened: Opened, real_kek: bytes) -> Plan:
        """Rebuild the plan from an opened real slot."""
        duress = (opened.link, opened.aux) if opened.link is not None else None
        return cls(opened.index, real_kek, opened.key, duress, opened.limit)

    def free_index(self) -> int:
        """A random slot index that the real slot does not use."""
        return secrets.choice([i for i in range(SLOTS) if i != self.real_index])


class KeyFile:
    """The salt, the Argon2id costs and four sealed slots."""

    def __init__(self, *, salt: bytes, params: KdfParams, slots: list[bytes]) -> None:
        self.salt = salt
        self.params = params
        self.slots = slots

    @classmethod
    def new(cls, params: KdfParams) -> KeyFile:
        """Return an empty key file (all slots random) with a fresh salt."""
        slots = [os.urandom(SLOT_SIZE) for _ in range(SLOTS)]
        return cls(salt=os.urandom(16), params=params, slots=slots)

    def header(self) -> bytes:
        """Return the authenticated header bytes."""
        p = self.params
        return _HEADER.pack(self.salt, p.memory_kib, p.iterations, p.lanes)

    def _seal(self, index: int, kek: bytes, plain: bytes) -> bytes:
        nonce = os.urandom(12)
        aad = self.header() + bytes((index,))
        return nonce + AESGCM(kek).encrypt(nonce, plain, aad)

    def rebuild(self, plan: Plan) -> KeyFile:
        """Return a key file with every slot freshly sealed or randomised."""
        slots = [os.urandom(SLOT_SIZE) for _ in range(SLOTS)]
        out = KeyFile(salt=self.salt, params=self.params, slots=slots)
        link, aux = 0, os.urandom(32)
        if plan.duress is not None:
            index, kek = plan.duress
            link, aux = (index + 1) << 4, kek
            plain = bytes((SlotType.DURESS, 0)) + os.urandom(64)
            out.slots[index] = out._seal(index, kek, plain)
        real = bytes((SlotType.REAL | link, plan.wipe_limit)) + plan.data_key + aux
        out.slots[plan.real_index] = out._seal(plan.real_index, plan.real_kek, real)
        return out

    def open_any(self, kek: bytes) -> Opened | None:
        """Try ``kek`` on every slot (always all four); return the one it opens."""
        aead = AESGCM(kek)
        found: Opened | None = None
        for index, slot in enumerate(self.slots):
            aad = self.header() + bytes((index,))
            try:
                plain = aead.decrypt(slot[:12], slot[12:], aad)
            except InvalidTag:
                continue
            kind, link = plain[0] & 0x0F, plain[0] >> 4
            if found is None and kind in (SlotType.REAL, SlotType.DURESS):
                found = Opened(
                    index=index,
                    kind=SlotType(kind),
                    key=plain[2:34],
                    aux=plain[34:66],
                    link=link - 1 if link else None,
                    limit=plain[1],
                )
        return found

    def to_bytes(self) -> bytes:
        """Serialise to the fixed layout."""
        return self.header() + b"".join(self.slots)

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyFile:
        """Parse a key file.

        Raises:
            VaultCorrupt: if the size or the cost parameters are impossible.
        """
        if len(data) != KEYFILE_SIZE:
            raise VaultCorrupt("keyfile")
        salt, memory, iterations, lanes = _HEADER.unpack_from(data)
        if not (8 <= memory <= 4 * 1024 * 1024 and iterations >= 1 and lanes == 1):
            raise VaultCorrupt("keyfile")
        body = data[_HEADER.size :]
        slots = [body[i * SLOT_SIZE : (i + 1) * SLOT_SIZE] for i in range(SLOTS)]
        return cls(salt=salt, params=KdfParams(memory, iterations, lanes), slots=slots)

    def save(self, path: Path) -> None:
        """Write atomically: temp file, fsync, rename, fsync the directory."""
        try:
            atomic_write(path, self.to_bytes())
        except OSError as exc:
            raise DiskFull("keyfile") from exc

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        """Read and parse the key file at ``path``."""
        try:
            return cls.from_bytes(path.read_bytes())
        except OSError as exc:
            raise VaultCorrupt("keyfile") from exc
