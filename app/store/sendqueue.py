"""The send queue: batches sealed for the hub, readable while the vault is locked.

A locked phone cannot open the vault, so what it may send while locked is kept
beside it, in the vault folder's ``q.bin``: batches already sealed to the
organisation's records key and signed by the device key at save time, the
hub's acknowledgements heard while locked, and what the courier needs to reach
the hub. The whole file is one AES-256-GCM box under a queue key held in the
device secrets (:mod:`app.store.secrets`; the Keystore/Keychain on a phone),
padded to a fixed size (:data:`FLOOR`, then doubling), and replaced atomically
on every change. Old copies a file system keeps open nothing once the queue key
is destroyed, which a wipe and a duress unlock do (with the whole folder).

What the file reveals without the key: that it exists, and its size class
(256 KiB holds about two hundred queued contacts; past that it doubles).
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Any

import msgpack
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import DiskFull
from app.store.files import atomic_write, is_disk_full, shred
from app.store.secrets import SecretStore

__all__ = [
    "FLOOR",
    "LIMIT",
    "QUEUE_FILE",
    "QUEUE_KEY",
    "QueueFile",
    "QueueFull",
]

QUEUE_FILE = "q.bin"
QUEUE_KEY = "courier.q"
FLOOR = 256 * 1024
LIMIT = 8 * 1024 * 1024
_NONCE = 12
_TAG = 16
_LEN = 4
_AAD = b"parley/send-queue/v1"

_locks: dict[str, threading.RLock] = {}
_locks_guard = threading.Lock()


class QueueFull(Exception):
    """The queue would outgrow :data:`LIMIT`: nothing was written."""


def _size_for(length: int) -> int:
    size = FLOOR
    while size - _NONCE - _TAG < length + _LEN:
        size *= 2
    return size


class QueueFile:
    """One vault's send queue file and its key.

    ``lock`` is shared by every :class:`QueueFile` of the same path in this
    process: hold it around a read-change-write.
    """

    def __init__(self, path: Path, secrets: SecretStore) -> None:
        self.path = path
        self._secrets = secrets
        with _locks_guard:
            self.lock = _locks.setdefault(str(path.absolute()), threading.RLock())

    def load(self) -> dict[str, Any] | None:
        """The queue's content, or ``None`` when there is none (or no key for it).

        A file whose key is gone (a wipe that did not reach the folder) or that
        does not open is treated as absent: it can never be read again.

        Raises:
            SecureStorageError: the secret store cannot be read now.
        """
        with self.lock:
            key = self._secrets.get(QUEUE_KEY)
            try:
                blob = self.path.read_bytes()
            except FileNotFoundError:
                return None
            if key is None or len(blob) < _NONCE + _TAG + _LEN:
                return None
            try:
                plain = AESGCM(key).decrypt(blob[:_NONCE], blob[_NONCE:], _AAD)
            except InvalidTag:
                return None
            length = int.from_bytes(plain[:_LEN], "big")
            data: dict[str, Any] = msgpack.unpackb(
                plain[_LEN : _LEN + length], raw=False, strict_map_key=False
            )
            return data

    def save(self, content: dict[str, Any]) -> None:
        """Replace the queue with ``content`` (msgpack-able), padded and sealed.

        Raises:
            QueueFull: it would not fit in :data:`LIMIT`.
            DiskFull: no room to write it (the old queue stays).
            SecureStorageError: the secret store cannot be used now.
        """
        packed = msgpack.packb(content, use_bin_type=True)
        size = _size_for(len(packed))
        if size > LIMIT:
            raise QueueFull()
        with self.lock:
            key = self._secrets.get(QUEUE_KEY)
            if key is None:
                key = AESGCM.generate_key(bit_length=256)
                self._secrets.put(QUEUE_KEY, key)
            body = len(packed).to_bytes(_LEN, "big") + packed
            body += os.urandom(size - _NONCE - _TAG - len(body))
            nonce = os.urandom(_NONCE)
            blob = nonce + AESGCM(key).encrypt(nonce, body, _AAD)
            try:
                atomic_write(self.path, blob)
            except OSError as exc:
                if is_disk_full(exc, self.path.parent):
                    raise DiskFull("queue") from exc
                raise

    def destroy(self) -> None:
        """Destroy the queue key, then the file."""
        with self.lock:
            self._secrets.delete(QUEUE_KEY)
            with contextlib.suppress(FileNotFoundError):
                shred(self.path)
