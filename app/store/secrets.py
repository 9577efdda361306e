"""Device secrets: small named values outside the vault, readable while it is locked.

This is the one place for a secret that must work before a passphrase is typed: the
vault's device pepper, and any key another part of the app needs while the vault is
locked (a sync signing key, say). Every backend has the same four calls::

    secrets.get(name) -> bytes | None   # None when there is no such secret
    secrets.put(name, value)            # add or replace
    secrets.delete(name)                # destroy (no error if absent)
    secrets.clear(keep=("a", "b"))      # destroy every secret but those named
    secrets.protection() -> Protection  # what this device really offers

Rules:

* A name is 1 to 40 characters of ``a-z 0-9 . _ -``, starting with a letter or a
  digit. Names starting with ``vault.`` belong to :mod:`app.store.vault`. Names are
  hashed before they reach a backend, so storage never shows what a secret is for.
* A value is 1 to 256 bytes.
* A wipe or a duress unlock destroys **every** secret (``clear``) except the
  decoy's own pepper: anything kept here belongs to the vault that is erased.

Errors every backend raises:

* ``ValueError``: a malformed name or value (a programming error, never user input).
* :class:`~app.errors.SecureStorageError`: the storage cannot be used now
  (``unavailable``), has no room for another secret (``full``) or is ``damaged``.
  Nothing was changed.
* :class:`~app.errors.DiskFull`: the file backend could not write for lack of space.

Backends: :class:`FileSecrets` (desktop and the local web build, one in-place file),
``app.keystore.KeystoreSecrets`` (phones: Android Keystore / iOS Keychain through
``flet-secure-storage``), :class:`MemorySecrets` (tests and tools; nothing on disk).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets as _random
import struct
import threading
from collections.abc import Collection, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from app.errors import DiskFull, SecureStorageError
from app.store.inplace import INPLACE_SIZE, create_inplace, in_place, write_at

try:  # POSIX; Windows desktop builds rely on the thread lock alone
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "MAX_VALUE",
    "FileSecrets",
    "MemorySecrets",
    "Protection",
    "SecretStore",
    "check_name",
    "secret_id",
]

MAX_VALUE = 256
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")


class Protection(StrEnum):
    """How well this device can destroy a secret."""

    #: Android Keystore / iOS Keychain: the key never leaves the phone's secure
    #: hardware, and deleting it cannot be undone from a disk image.
    HARDWARE = "hardware"
    #: A file whose updates overwrite its own blocks (ext4, XFS, tmpfs, btrfs with
    #: no copy-on-write, pinned f2fs). Flash wear levelling may still keep copies.
    FILE_IN_PLACE = "file_in_place"
    #: A file on a file system that keeps old copies (copy-on-write, overlay,
    #: network) or one we cannot identify: a wipe may leave old keys behind.
    FILE = "file"
    #: Held in memory only (tests and tools).
    MEMORY = "memory"


def check_name(name: str) -> None:
    """Refuse a malformed secret name.

    Raises:
        ValueError: if ``name`` breaks the naming rule above.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError("bad secret name")


def _check_value(value: bytes) -> None:
    if not isinstance(value, bytes) or not 1 <= len(value) <= MAX_VALUE:
        raise ValueError("a secret is 1 to 256 bytes")


def secret_id(name: str) -> str:
    """The opaque key a backend stores ``name`` under (32 hex characters)."""
    check_name(name)
    return hashlib.sha256(b"parley/secret-name/v1\0" + name.encode()).hexdigest()[:32]


class SecretStore(Protocol):
    """Named device secrets (see the module docstring for the rules)."""

    def get(self, name: str) -> bytes | None:
        """The secret ``name``, or ``None`` if there is none."""

    def put(self, name: str, value: bytes) -> None:
        """Store ``value`` under ``name``, replacing (and destroying) any old one."""

    def delete(self, name: str) -> None:
        """Destroy the secret ``name``; nothing happens if it does not exist."""

    def clear(self, *, keep: Collection[str] = ()) -> None:
        """Destroy every secret except those named in ``keep``."""

    def protection(self) -> Protection:
        """What destroying a secret means on this device."""


class MemorySecrets:
    """Secrets held in a dict: tests, tools and benchmarks.

    ``protection`` lets a test stand in for the hardware store (the default says
    what it is: memory).
    """

    def __init__(self, protection: Protection = Protection.MEMORY) -> None:
        self._values: dict[str, bytes] = {}
        self._protection = protection

    def get(self, name: str) -> bytes | None:
        """The secret, or ``None``."""
        return self._values.get(secret_id(name))

    def put(self, name: str, value: bytes) -> None:
        """Store ``value``."""
        _check_value(value)
        self._values[secret_id(name)] = bytes(value)

    def delete(self, name: str) -> None:
        """Forget ``name``."""
        self._values.pop(secret_id(name), None)

    def clear(self, *, keep: Collection[str] = ()) -> None:
        """Forget every secret but ``keep``."""
        kept = {secret_id(n) for n in keep}
        for key in [k for k in self._values if k not in kept]:
            del self._values[key]

    def protection(self) -> Protection:
        """As given at construction."""
        return self._protection


# -- the file backend ---------------------------------------------------------------
#
# One 8 KiB file of 16 slots of 512 bytes, every update written in place:
#   slot = id(16) ‖ seq(8) ‖ length(2) ‖ body(454) ‖ check(32)
# A free slot is random bytes (its check fails). A put writes the new value to a free
# slot, then overwrites the old slot, so a crash leaves the old or the new value,
# never neither; if both survive, the higher sequence number wins and the other is
# overwritten the next time the file is read.

_SLOT = 512
_SLOTS = INPLACE_SIZE // _SLOT
_HEAD = struct.Struct(">16sQH")
_BODY = _SLOT - _HEAD.size - 32
_CHECK = b"parley/secret-slot/v1\0"


def _check(head: bytes, body: bytes) -> bytes:
    return hashlib.sha256(_CHECK + head + body).digest()


def _slot(key: str, seq: int, value: bytes) -> bytes:
    body = value + os.urandom(_BODY - len(value))
    head = _HEAD.pack(bytes.fromhex(key), seq, len(value))
    return head + body + _check(head, body)


class _Slot:
    __slots__ = ("index", "key", "seq", "value")

    def __init__(self, index: int, key: str, seq: int, value: bytes) -> None:
        self.index, self.key, self.seq, self.value = index, key, seq, value


def _parse(data: bytes) -> list[_Slot]:
    found = []
    for index in range(_SLOTS):
        raw = data[index * _SLOT : (index + 1) * _SLOT]
        head, body, check = raw[: _HEAD.size], raw[_HEAD.size : -32], raw[-32:]
        if _check(head, body) != check:
            continue
        ident, seq, length = _HEAD.unpack(head)
        if 1 <= length <= MAX_VALUE:
            found.append(_Slot(index, ident.hex(), seq, body[:length]))
    return found


_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


class FileSecrets:
    """Secrets in one private file that is overwritten in place (mode 0600).

    Used where no hardware store exists: desktop and the local web build. Whether
    the overwrite really reaches the old blocks depends on the file system; see
    :meth:`protection`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        key = str(path.absolute())
        with _process_locks_guard:
            self._lock = _process_locks.setdefault(key, threading.Lock())

    # -- public API -------------------------------------------------------------

    def ensure(self) -> None:
        """Create the (empty) secrets file now if it is missing.

        The composition root calls this at first start, so the file and its folder
        date from the install, not from the vault that happens to use them.

        Raises:
            DiskFull, SecureStorageError: as :meth:`put`.
        """
        with self._locked(create=True):
            pass

    def get(self, name: str) -> bytes | None:
        """The secret, or ``None``.

        Raises:
            SecureStorageError: if the file cannot be read or has the wrong size.
        """
        key = secret_id(name)
        if not self.path.exists():
            return None
        with self._locked(create=False) as slots:
            for slot in slots:
                if slot.key == key:
                    return slot.value
        return None

    def put(self, name: str, value: bytes) -> None:
        """Store ``value`` under ``name``; the old value's slot is overwritten.

        Raises:
            ValueError: bad name or value.
            SecureStorageError: ``full`` when all 16 slots hold other secrets, or
                unreadable. (Replacing a secret in a full file overwrites its slot
                directly: a crash at that moment loses that one secret.)
            DiskFull: no room to create the file.
        """
        key = secret_id(name)
        _check_value(value)
        with self._locked(create=True) as slots:
            used = {s.index for s in slots}
            free = [i for i in range(_SLOTS) if i not in used]
            olds = [s.index for s in slots if s.key == key]
            if not free and not olds:
                raise SecureStorageError("full")
            seq = max((s.seq for s in slots), default=_random.randbits(40))
            seq += 1 + _random.randbelow(1 << 16)
            if not free:  # a full file: the one case where a put is not crash-proof
                self._write(olds[0], _slot(key, seq, value))
                return
            self._write(_random.choice(free), _slot(key, seq, value))
            for index in olds:
                self._write(index, os.urandom(_SLOT))

    def delete(self, name: str) -> None:
        """Overwrite the slot of ``name`` with random bytes.

        Raises:
            SecureStorageError: if the file cannot be read or written.
        """
        self._destroy(lambda key: key == secret_id(name))

    def clear(self, *, keep: Collection[str] = ()) -> None:
        """Overwrite every slot except those of ``keep``.

        Raises:
            SecureStorageError: if the file cannot be read or written.
        """
        kept = {secret_id(n) for n in keep}
        self._destroy(lambda key: key not in kept)

    def protection(self) -> Protection:
        """In place when the file system overwrites this file's own blocks."""
        return Protection.FILE_IN_PLACE if in_place(self.path) else Protection.FILE

    # -- internals --------------------------------------------------------------

    def _destroy(self, doomed: object) -> None:
        if not self.path.exists():
            return
        with self._locked(create=False) as slots:
            for slot in slots:
                if doomed(slot.key):  # type: ignore[operator]
                    self._write(slot.index, os.urandom(_SLOT))

    def _write(self, index: int, data: bytes) -> None:
        try:
            write_at(self.path, index * _SLOT, data)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFull("secrets") from exc
            raise SecureStorageError("unavailable") from exc

    @contextlib.contextmanager
    def _locked(self, *, create: bool) -> Iterator[list[_Slot]]:
        with self._lock:
            if create and not self.path.exists():
                self._create()
            try:
                fd = os.open(self.path, os.O_RDWR)
            except FileNotFoundError:
                yield []
                return
            except OSError as exc:
                raise SecureStorageError("unavailable") from exc
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield self._load(fd)
            finally:
                os.close(fd)

    def _create(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            old = os.umask(0o077)
            try:
                create_inplace(self.path, os.urandom(INPLACE_SIZE))
            finally:
                os.umask(old)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFull("secrets") from exc
            raise SecureStorageError("unavailable") from exc

    def _load(self, fd: int) -> list[_Slot]:
        try:
            data = os.pread(fd, INPLACE_SIZE + 1, 0)
        except OSError as exc:
            raise SecureStorageError("unavailable") from exc
        if len(data) != INPLACE_SIZE:
            raise SecureStorageError("damaged")
        slots = _parse(data)
        newest: dict[str, _Slot] = {}
        for slot in slots:
            if slot.key not in newest or slot.seq > newest[slot.key].seq:
                newest[slot.key] = slot
        for stale in (s for s in slots if newest[s.key] is not s):
            # A put that crashed between its two writes: destroy the older value.
            self._write(stale.index, os.urandom(_SLOT))
        return list(newest.values())
