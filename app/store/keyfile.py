"""The key file: the wrapped data key, in a fixed-size file updated in place.

File (8 KiB, no magic, no labels): two 4 KiB regions. One holds the current record,
the other random bytes; a rewrite puts the next record in the random region, then
overwrites the old one (:mod:`app.store.inplace` says where that really destroys
it). Record (438 bytes, the rest of its region random)::

    salt(16) ‖ memory_kib(u32) ‖ iterations(u8) ‖ lanes(u8)
          ‖ 4 × slot(94) ‖ gen(8) ‖ mac(32)
    slot  = nonce(12) ‖ AES-GCM_KEK(plain(66)) ‖ tag(16),    AAD = header ‖ index
    KEK   = HKDF(Argon2id(passphrase, salt), salt = pepper)
    gen   = generation XOR HKDF(pepper, "gen")             (hidden without the pepper)
    mac   = HMAC(HKDF(pepper, "mac"), header ‖ slots ‖ gen ‖ state)

The MAC lets the vault tell, before any passphrase, which record is current and
which of the two device peppers goes with it; ``state`` (:class:`State`) says
whether the vault is whole or still being built after a duress unlock. Without the
pepper all of it is indistinguishable from random bytes.

Slot contents (``plain = tag(1) ‖ wipe_limit(1) ‖ key(32) ‖ aux(32)``):

* real slot: ``key`` is the data key; ``aux`` the Argon2id output of the duress
  passphrase under this salt (random when there is none); the high nibble of
  ``tag`` names the duress slot. So whoever knows the real passphrase can re-seal
  every slot under a new pepper: every rewrite changes all four.
* duress slot: ``key`` is the decoy's Argon2id output under ``aux[:16]``, the decoy's
  own fresh salt, computed when the duress passphrase was set. A duress unlock then
  builds the decoy's key file without a second Argon2id run.

Free slots are random bytes. One Argon2id run per attempt, then every slot is tried.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import struct
from dataclasses import dataclass
from enum import Enum, IntEnum
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import DiskFull, VaultCorrupt
from app.store.crypto import derive
from app.store.files import is_disk_full
from app.store.inplace import INPLACE_SIZE, create_inplace, write_at
from app.store.kdf import KdfParams

__all__ = [
    "KEYFILE_SIZE",
    "RECORD_SIZE",
    "SLOTS",
    "SLOT_SIZE",
    "Duress",
    "KeyFile",
    "KeyFileStore",
    "Opened",
    "Plan",
    "SlotType",
    "State",
    "kek",
]

_HEADER = struct.Struct(">16sIBB")
SLOTS = 4
_PLAIN = 1 + 1 + 32 + 32
SLOT_SIZE = 12 + _PLAIN + 16
_GEN = struct.Struct(">Q")
_BODY = _HEADER.size + SLOTS * SLOT_SIZE + _GEN.size
RECORD_SIZE = _BODY + 32
KEYFILE_SIZE = INPLACE_SIZE
REGION = KEYFILE_SIZE // 2


class SlotType(IntEnum):
    """What a slot's passphrase does."""

    REAL = 1
    DURESS = 2


class State(Enum):
    """Whether the vault this record belongs to is complete."""

    LIVE = b"L"
    #: Written first by a duress unlock: the database, guard and other secrets
    #: beside it belong to the erased vault, and the next start replaces them.
    FRESH = b"F"


def kek(stretched: bytes, pepper: bytes) -> bytes:
    """The key-encryption key of a passphrase (already stretched) on this device."""
    return derive(stretched, salt=pepper, info=b"parley/kek/v1")


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
class Duress:
    """The duress slot: where it sits and what a duress unlock needs."""

    index: int
    stretched: bytes  # Argon2id of the duress passphrase under this key file's salt
    decoy_salt: bytes
    decoy_stretched: bytes  # Argon2id of the duress passphrase under decoy_salt


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything the owner of the real passphrase decides about the key file."""

    real_index: int
    real_stretched: bytes
    data_key: bytes
    duress: Duress | None = None
    wipe_limit: int = 0

    def free_index(self) -> int:
        """A random slot index that the real slot does not use."""
        return secrets.choice([i for i in range(SLOTS) if i != self.real_index])


def _mac_key(pepper: bytes) -> bytes:
    return derive(pepper, info=b"parley/keyfile-mac/v1")


def _gen_mask(pepper: bytes) -> int:
    (mask,) = _GEN.unpack(derive(pepper, info=b"parley/keyfile-gen/v1", length=8))
    return int(mask)


class KeyFile:
    """The salt, the Argon2id costs, four sealed slots and the generation number."""

    def __init__(
        self, *, salt: bytes, params: KdfParams, slots: list[bytes], gen: int
    ) -> None:
        self.salt = salt
        self.params = params
        self.slots = slots
        self.gen = gen

    @classmethod
    def new(cls, params: KdfParams, *, salt: bytes | None = None) -> KeyFile:
        """An empty key file: random slots, a fresh salt and a random generation.

        The generation starts anywhere in a 62-bit range, so its value says nothing
        about how many rewrites a vault has seen.
        """
        slots = [os.urandom(SLOT_SIZE) for _ in range(SLOTS)]
        return cls(
            salt=salt or os.urandom(16),
            params=params,
            slots=slots,
            gen=secrets.randbits(62),
        )

    def header(self) -> bytes:
        """The authenticated header bytes."""
        p = self.params
        return _HEADER.pack(self.salt, p.memory_kib, p.iterations, p.lanes)

    # -- slots --------------------------------------------------------------------

    def _seal(self, index: int, key: bytes, plain: bytes) -> bytes:
        nonce = os.urandom(12)
        aad = self.header() + bytes((index,))
        return nonce + AESGCM(key).encrypt(nonce, plain, aad)

    def _open(self, index: int, key: bytes) -> bytes | None:
        slot = self.slots[index]
        try:
            aad = self.header() + bytes((index,))
            return AESGCM(key).decrypt(slot[:12], slot[12:], aad)
        except InvalidTag:
            return None

    def seal(self, plan: Plan, *, pepper: bytes) -> KeyFile:
        """The next key file: every slot freshly sealed under ``pepper`` or random."""
        out = KeyFile(
            salt=self.salt,
            params=self.params,
            slots=[os.urandom(SLOT_SIZE) for _ in range(SLOTS)],
            gen=(self.gen + 1) % (1 << 64),
        )
        link, aux = 0, os.urandom(32)
        if plan.duress is not None:
            d = plan.duress
            link, aux = (d.index + 1) << 4, d.stretched
            plain = bytes((SlotType.DURESS, 0)) + d.decoy_stretched + d.decoy_salt
            plain += os.urandom(16)
            out.slots[d.index] = out._seal(d.index, kek(d.stretched, pepper), plain)
        real = bytes((SlotType.REAL | link, plan.wipe_limit)) + plan.data_key + aux
        key = kek(plan.real_stretched, pepper)
        out.slots[plan.real_index] = out._seal(plan.real_index, key, real)
        return out

    def open_any(self, key: bytes) -> Opened | None:
        """Try ``key`` on every slot (always all four); return the one it opens."""
        found: Opened | None = None
        for index in range(SLOTS):
            plain = self._open(index, key)
            if plain is None:
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

    def plan_from(self, opened: Opened, stretched: bytes, pepper: bytes) -> Plan:
        """Rebuild the plan from the opened real slot (reads the duress slot too).

        Raises:
            VaultCorrupt: if the real slot names a duress slot that does not open.
        """
        duress = None
        if opened.link is not None:
            plain = self._open(opened.link, kek(opened.aux, pepper))
            if plain is None or plain[0] != SlotType.DURESS:
                raise VaultCorrupt("keyfile")
            duress = Duress(opened.link, opened.aux, plain[34:50], plain[2:34])
        return Plan(opened.index, stretched, opened.key, duress, opened.limit)

    # -- records ------------------------------------------------------------------

    def record(self, pepper: bytes, state: State) -> bytes:
        """The on-disk record: body, then its MAC under ``pepper``."""
        gen = _GEN.pack(self.gen ^ _gen_mask(pepper))
        body = self.header() + b"".join(self.slots) + gen
        mac = hmac.new(_mac_key(pepper), body + state.value, hashlib.sha256).digest()
        return body + mac

    @classmethod
    def parse(cls, record: bytes, pepper: bytes) -> tuple[KeyFile, State] | None:
        """The key file ``record`` if its MAC holds under ``pepper``, or ``None``."""
        body, mac = record[:_BODY], record[_BODY:RECORD_SIZE]
        key = _mac_key(pepper)
        for state in State:
            want = hmac.new(key, body + state.value, hashlib.sha256).digest()
            if not hmac.compare_digest(want, mac):
                continue
            salt, memory, iterations, lanes = _HEADER.unpack_from(body)
            if not (8 <= memory <= 4 * 1024 * 1024 and iterations >= 1 and lanes == 1):
                return None
            raw = body[_HEADER.size : _HEADER.size + SLOTS * SLOT_SIZE]
            slots = [raw[i * SLOT_SIZE : (i + 1) * SLOT_SIZE] for i in range(SLOTS)]
            (gen,) = _GEN.unpack_from(body, _HEADER.size + SLOTS * SLOT_SIZE)
            params = KdfParams(memory, iterations, lanes)
            keyfile = cls(
                salt=salt, params=params, slots=slots, gen=gen ^ _gen_mask(pepper)
            )
            return keyfile, state
        return None


class KeyFileStore:
    """The key file on disk: two in-place regions.

    Every method raises :class:`~app.errors.DiskFull` when a write fails for lack
    of space and :class:`~app.errors.VaultCorrupt` (``keyfile``) when the file
    cannot be read or has the wrong size.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        """True when the file is there."""
        return self.path.exists()

    def regions(self) -> list[bytes]:
        """The two candidate records (each region's first bytes)."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise VaultCorrupt("keyfile") from exc
        if len(data) != KEYFILE_SIZE:
            raise VaultCorrupt("keyfile")
        return [data[i * REGION : i * REGION + RECORD_SIZE] for i in range(2)]

    @staticmethod
    def create(path: Path, record: bytes) -> int:
        """Write a new key file holding ``record``; return the region it went to."""
        region = secrets.randbelow(2)
        data = bytearray(os.urandom(KEYFILE_SIZE))
        data[region * REGION : region * REGION + RECORD_SIZE] = record
        try:
            create_inplace(path, bytes(data))
        except OSError as exc:
            raise _write_error(exc) from exc
        return region

    def write(self, region: int, record: bytes) -> None:
        """Put ``record`` in ``region`` (in place, flushed)."""
        self._write(region, record + os.urandom(REGION - RECORD_SIZE))

    def scrub(self, region: int) -> None:
        """Overwrite ``region`` with random bytes (in place, flushed)."""
        self._write(region, os.urandom(REGION))

    def _write(self, region: int, data: bytes) -> None:
        try:
            write_at(self.path, region * REGION, data)
        except OSError as exc:
            raise _write_error(exc) from exc


def _write_error(exc: OSError) -> DiskFull | VaultCorrupt:
    return DiskFull("keyfile") if is_disk_full(exc) else VaultCorrupt("keyfile")
