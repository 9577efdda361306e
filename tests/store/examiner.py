"""What a forensic examiner does with recovered bytes: find key files, try keys.

The examiner knows Parley's format (it is open source) but none of its secrets. A
key-file record is found by its plaintext cost parameters (the same on every vault
of a device), then every passphrase the owner ever used is tried with every pepper
candidate, with no regard for the record's MAC.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from app.store.kdf import KdfParams, stretch
from app.store.keyfile import SLOT_SIZE, SLOTS, KeyFile, SlotType, kek
from app.store.vault import PEPPER_NAMES, Vault

_PARAMS = struct.Struct(">IBB")
_SALT = 16


@dataclass(frozen=True)
class Opened:
    """One slot an attempt opened."""

    salt: bytes
    passphrase: str
    kind: SlotType
    key: bytes


def params_pattern(params: KdfParams) -> bytes:
    """The six plaintext bytes that follow the salt in every record."""
    return _PARAMS.pack(params.memory_kib, params.iterations, params.lanes)


def candidates(blob: bytes, params: KdfParams) -> list[KeyFile]:
    """Every place in ``blob`` that looks like a key-file record, MAC ignored."""
    pattern = params_pattern(params)
    found: dict[bytes, KeyFile] = {}
    start = 0
    while (hit := blob.find(pattern, start)) != -1:
        start = hit + 1
        begin = hit - _SALT
        end = hit + _PARAMS.size + SLOTS * SLOT_SIZE
        if begin < 0 or end > len(blob):
            continue
        salt = blob[begin:hit]
        raw = blob[hit + _PARAMS.size : end]
        slots = [raw[i * SLOT_SIZE : (i + 1) * SLOT_SIZE] for i in range(SLOTS)]
        found.setdefault(
            salt + raw, KeyFile(salt=salt, params=params, slots=slots, gen=0)
        )
    return list(found.values())


def try_all(
    keyfiles: list[KeyFile], passphrases: list[str], peppers: list[bytes]
) -> list[Opened]:
    """Every slot that any passphrase with any pepper opens."""
    opened: list[Opened] = []
    for keyfile in keyfiles:
        for words in passphrases:
            stretched = stretch(words, salt=keyfile.salt, params=keyfile.params)
            for pepper in peppers:
                slot = keyfile.open_any(kek(stretched, pepper))
                if slot is not None:
                    opened.append(Opened(keyfile.salt, words, slot.kind, slot.key))
    return opened


def data_key(vault: Vault, passphrase: str) -> bytes:
    """The vault's data key, as the owner's own device would unwrap it."""
    key = vault._current()
    slot = key.keyfile.open_any(
        kek(
            stretch(passphrase, salt=key.keyfile.salt, params=key.keyfile.params),
            key.pepper,
        )
    )
    assert slot is not None and slot.kind is SlotType.REAL
    return slot.key


def peppers_of(vault: Vault) -> list[bytes]:
    """Both peppers the device's secret store holds for the vault now."""
    found = [vault.secrets.get(name) for name in PEPPER_NAMES]
    return [p for p in found if p is not None]
