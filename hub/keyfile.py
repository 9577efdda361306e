"""The hub key file: a local secret that seals the hub's signing keys in the database.

A database dump or backup alone (a PostgreSQL replica, a copied SQLite file) then
cannot sign device certificates, wipe commands or guidance packs. Every hub process
serving one database needs the same key file; back it up apart from the database.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["KeyFileError", "load_key", "load_or_create_key", "seal", "unseal"]

_SIZE = 32


class KeyFileError(Exception):
    """The key file is missing, damaged, or does not match the database."""


def load_key(path: Path) -> bytes:
    """Read the key file.

    Raises:
        KeyFileError: if it is missing or not a key file.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"hub key file {path} cannot be read") from exc
    if len(data) != _SIZE:
        raise KeyFileError(f"hub key file {path} is damaged")
    return data


def load_or_create_key(path: Path) -> bytes:
    """Read the key file, or create it (mode 0600, written atomically)."""
    if path.exists():
        return load_key(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(_SIZE)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process created it meanwhile
    except FileExistsError:
        return load_key(path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return key


def seal(key: bytes, secret: bytes, *, label: str) -> bytes:
    """Encrypt one secret column value, bound to its column name."""
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, secret, label.encode())


def unseal(key: bytes, blob: bytes, *, label: str) -> bytes:
    """Decrypt what :func:`seal` made.

    Raises:
        KeyFileError: if the key does not open it (wrong key file for this database).
    """
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], label.encode())
    except (InvalidTag, ValueError):
        raise KeyFileError("the hub key file does not match this database") from None
