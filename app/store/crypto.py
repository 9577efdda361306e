"""Sealing of stored values: AES-256-GCM bound to the row and column it lives in.

Envelope: ``version(1) ‖ key_id(1) ‖ nonce(12) ‖ ciphertext ‖ tag(16)``.
AAD: ``version ‖ key_id ‖ table ‖ 0 ‖ row_id ‖ 0 ‖ column``, so a blob copied into
another row or column fails to open. Plaintext is padded to size buckets first, so
ciphertext lengths say little about what was typed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.errors import RecordUnreadable

__all__ = ["FORMAT_VERSION", "Keyring", "derive", "pad", "unpad"]

FORMAT_VERSION = 1
_NONCE = 12
_LEN = struct.Struct(">I")
_SMALL_BUCKET = 256
_LARGE_BUCKET = 4096


def derive(
    key: bytes, *, info: bytes, length: int = 32, salt: bytes | None = None
) -> bytes:
    """HKDF-SHA256 one purpose-bound subkey from ``key``."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(
        key
    )


def pad(data: bytes) -> bytes:
    """Length-prefix ``data`` and pad it with zeros to its size bucket.

    Buckets are multiples of 256 bytes up to 4 KiB, then multiples of 4 KiB.
    """
    total = _LEN.size + len(data)
    step = _SMALL_BUCKET if total <= _LARGE_BUCKET else _LARGE_BUCKET
    size = -(-total // step) * step
    return _LEN.pack(len(data)) + data + bytes(size - total)


def unpad(padded: bytes) -> bytes:
    """Undo :func:`pad`.

    Raises:
        RecordUnreadable: if the length prefix does not fit the buffer.
    """
    if len(padded) < _LEN.size:
        raise RecordUnreadable("padding")
    (length,) = _LEN.unpack_from(padded)
    if length > len(padded) - _LEN.size:
        raise RecordUnreadable("padding")
    return padded[_LEN.size : _LEN.size + length]


class Keyring:
    """The unlocked data keys. Dropping the object is what locking means."""

    def __init__(self, dek: bytes, *, key_id: int = 1) -> None:
        if len(dek) != 32:
            raise ValueError("data key must be 32 bytes")
        self.key_id = key_id
        self._records = AESGCM(derive(dek, info=b"parley/records/v1"))
        self._names = derive(dek, info=b"parley/names/v1")
        self._header = bytes((FORMAT_VERSION, key_id))

    def _aad(self, table: str, row_id: str, column: str) -> bytes:
        return b"\x00".join(
            (self._header + table.encode(), row_id.encode(), column.encode())
        )

    def seal(self, plaintext: bytes, *, table: str, row_id: str, column: str) -> bytes:
        """Pad and encrypt ``plaintext`` for one cell of the database."""
        nonce = os.urandom(_NONCE)
        aad = self._aad(table, row_id, column)
        return self._header + nonce + self._records.encrypt(nonce, pad(plaintext), aad)

    def open(self, blob: bytes, *, table: str, row_id: str, column: str) -> bytes:
        """Decrypt a cell sealed by :meth:`seal` for the same place.

        Raises:
            RecordUnreadable: if the blob was damaged, forged or moved.
        """
        if len(blob) < 2 + _NONCE + 16 or blob[:2] != self._header:
            raise RecordUnreadable("envelope")
        nonce = blob[2 : 2 + _NONCE]
        try:
            padded = self._records.decrypt(
                nonce, blob[2 + _NONCE :], self._aad(table, row_id, column)
            )
        except InvalidTag:
            raise RecordUnreadable("tag") from None
        return unpad(padded)

    def name(self, label: str) -> str:
        """Return a keyed, opaque row name for a label (meta keys are not plaintext)."""
        return hmac.new(self._names, label.encode(), hashlib.sha256).hexdigest()[:32]
