"""The vault's life: create, unlock, change passphrase, duress, wipe.

Files in the vault directory (names neutral on purpose):

* ``k.bin``: the key file (:mod:`app.store.keyfile`), 266 bytes
* ``d.db`` (+ ``-wal``, ``-shm``): the sealed database
* ``g.bin``: the failed-unlock guard (limit and count; no secrets)

The pepper lives elsewhere (:mod:`app.store.pepper`).
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import msgpack

from app.errors import (
    KeyMaterialLost,
    NoVault,
    StoreError,
    ValidationFailed,
    VaultCorrupt,
    VaultExists,
    WrongPassphrase,
)
from app.store.crypto import Keyring, derive
from app.store.engine import Database
from app.store.files import atomic_write, shred
from app.store.kdf import KdfParams, calibrate, stretch
from app.store.keyfile import KeyFile, Opened, SlotType
from app.store.migrations import migrate
from app.store.pepper import PepperStore
from app.store.store import Store

__all__ = ["Vault"]

_DB_SUFFIXES = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class _Opened:
    keyfile: KeyFile
    stretched: bytes
    pepper: bytes
    slot: Opened | None

    @property
    def kind(self) -> SlotType | None:
        return self.slot.kind if self.slot else None

    def kek(self) -> bytes:
        return derive(self.stretched, salt=self.pepper, info=b"parley/kek/v1")


class Vault:
    """One vault directory and the pepper that goes with it."""

    def __init__(
        self, root: Path, *, pepper: PepperStore, kdf: KdfParams | None = None
    ) -> None:
        self.root = root
        self.pepper = pepper
        self._kdf = kdf
        self.keyfile_path = root / "k.bin"
        self.db_path = root / "d.db"
        self.guard_path = root / "g.bin"

    # -- queries ------------------------------------------------------------------

    def exists(self) -> bool:
        """True when a vault (its key file) is present."""
        return self.keyfile_path.exists()

    def wipe_limit(self) -> int | None:
        """Failed unlocks that trigger a wipe, or ``None`` when off."""
        limit, _ = self._guard()
        return limit or None

    # -- create and unlock ----------------------------------------------------------

    def create(self, passphrase: str) -> Store:
        """Create a new vault protected by ``passphrase`` and return it unlocked.

        Raises:
            VaultExists: if a key file or database is already there (never overwritten).
        """
        if self.exists() or self.db_path.exists():
            raise VaultExists()
        _check_passphrase(passphrase)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        keyfile = KeyFile.new(self._kdf or calibrate())
        stretched = stretch(passphrase, salt=keyfile.salt, params=keyfile.params)
        return self._fresh(keyfile, stretched)

    def _fresh(self, keyfile: KeyFile, stretched: bytes) -> Store:
        pepper = self.pepper.create()
        dek = os.urandom(32)
        kek = derive(stretched, salt=pepper, info=b"parley/kek/v1")
        keyfile.seal_slot(
            keyfile.free_slot(avoid=set()), kek=kek, kind=SlotType.REAL, key=dek
        )
        keyfile.save(self.keyfile_path)
        store = self._open_db(dek)
        store.set_identity(device=str(uuid.uuid4()), team="")
        return store

    def unlock(self, passphrase: str) -> Store:
        """Open the vault. A duress passphrase silently wipes it and opens a decoy.

        Raises:
            NoVault: if there is no vault.
            WrongPassphrase: if the passphrase opens no slot (nothing on disk changes
                unless a wipe limit is set, which counts the failure).
            KeyMaterialLost: if the device pepper is gone.
            VaultCorrupt: if the key file or database is damaged.
        """
        opened = self._open_keys(passphrase)
        if opened.kind is None:
            self._count_failure()
        if opened.kind is SlotType.DURESS:
            return self._duress(opened)
        self._reset_failures()
        assert opened.slot is not None
        return self._open_db(opened.slot.key)

    def _open_keys(self, passphrase: str) -> _Opened:
        if not self.exists():
            raise NoVault()
        try:
            keyfile = KeyFile.load(self.keyfile_path)
        except OSError as exc:
            raise VaultCorrupt("keyfile") from exc
        pepper = self.pepper.load()
        if pepper is None:
            raise KeyMaterialLost()
        stretched = stretch(passphrase, salt=keyfile.salt, params=keyfile.params)
        kek = derive(stretched, salt=pepper, info=b"parley/kek/v1")
        return _Opened(keyfile, stretched, pepper, keyfile.open_any(kek))

    def _open_db(self, dek: bytes) -> Store:
        keyring = Keyring(dek)
        db = Database(self.db_path)
        try:
            migrate(db, keyring)
            return Store(db=db, keyring=keyring)
        except BaseException:
            db.close()
            raise

    # -- passphrases ----------------------------------------------------------------

    def change_passphrase(self, *, old: str, new: str) -> None:
        """Re-wrap the data key under ``new``. Records are not touched.

        Raises:
            WrongPassphrase: if ``old`` is not the vault's passphrase.
            ValidationFailed: if ``new`` is too short or equals the duress passphrase.
        """
        _check_passphrase(new)
        opened = self._open_real(old)
        real = opened.slot
        assert real is not None
        if real.link is not None and self._opens(opened, new) == real.link:
            raise ValidationFailed({"passphrase": "same_as_duress"})
        opened.keyfile.seal_slot(
            real.index,
            kek=self._kek(opened, new),
            kind=SlotType.REAL,
            key=real.key,
            link=real.link,
        )
        opened.keyfile.save(self.keyfile_path)

    def set_duress(self, *, passphrase: str, duress: str) -> None:
        """Add or replace the duress passphrase, confirming the real one first.

        Raises:
            WrongPassphrase: if ``passphrase`` is not the vault's passphrase.
            ValidationFailed: if ``duress`` is too short or equals the real one.
        """
        _check_passphrase(duress, field="duress")
        if duress == passphrase:
            raise ValidationFailed({"duress": "same_as_passphrase"})
        opened = self._open_real(passphrase)
        real = opened.slot
        assert real is not None
        keyfile = opened.keyfile
        index = (
            real.link
            if real.link is not None
            else keyfile.free_slot(avoid={real.index})
        )
        keyfile.seal_slot(
            index,
            kek=self._kek(opened, duress),
            kind=SlotType.DURESS,
            key=os.urandom(32),
        )
        keyfile.seal_slot(
            real.index, kek=opened.kek(), kind=SlotType.REAL, key=real.key, link=index
        )
        keyfile.save(self.keyfile_path)

    def clear_duress(self, *, passphrase: str) -> None:
        """Remove the duress passphrase (its slot becomes random bytes)."""
        opened = self._open_real(passphrase)
        real = opened.slot
        assert real is not None
        if real.link is None:
            return
        keyfile = opened.keyfile
        keyfile.slots[real.link] = None
        keyfile.seal_slot(
            real.index, kek=opened.kek(), kind=SlotType.REAL, key=real.key
        )
        keyfile.save(self.keyfile_path)

    def has_duress(self, *, passphrase: str) -> bool:
        """Tell whether a duress passphrase is set (needs the real passphrase)."""
        opened = self._open_real(passphrase)
        return opened.slot is not None and opened.slot.link is not None

    def _open_real(self, passphrase: str) -> _Opened:
        opened = self._open_keys(passphrase)
        if opened.kind is not SlotType.REAL:
            raise WrongPassphrase()
        return opened

    def _kek(self, opened: _Opened, passphrase: str) -> bytes:
        keyfile = opened.keyfile
        stretched = stretch(passphrase, salt=keyfile.salt, params=keyfile.params)
        return derive(stretched, salt=opened.pepper, info=b"parley/kek/v1")

    def _opens(self, opened: _Opened, passphrase: str) -> int | None:
        found = opened.keyfile.open_any(self._kek(opened, passphrase))
        return found.index if found else None

    # -- wipes ----------------------------------------------------------------------

    def wipe(self) -> None:
        """Crypto-erase the vault: pepper and key file first, then the database."""
        self.pepper.destroy()
        shred(self.keyfile_path)
        for suffix in _DB_SUFFIXES:
            shred(Path(str(self.db_path) + suffix))
        with contextlib.suppress(FileNotFoundError):
            self.guard_path.unlink()

    def _duress(self, opened: _Opened) -> Store:
        # 1. crypto-erase: the pepper and the key file go first.
        self.pepper.destroy()
        shred(self.keyfile_path)
        # 2. move the database files aside at once, shred them in the background so
        #    this unlock takes about as long as a normal one.
        doomed: list[Path] = []
        for suffix in _DB_SUFFIXES:
            path = Path(str(self.db_path) + suffix)
            if path.exists():
                target = self.root / f".{uuid.uuid4().hex}"
                os.replace(path, target)
                doomed.append(target)
        threading.Thread(target=_shred_all, args=(doomed,), daemon=True).start()
        # 3. a fresh, working vault whose passphrase is the duress passphrase. Same salt
        #    and costs, so the old passphrase now fails like any wrong one.
        self._reset_failures()
        return self._fresh(
            opened.keyfile.with_salt(opened.keyfile.salt), opened.stretched
        )

    # -- failed-unlock guard ---------------------------------------------------------------

    def set_wipe_limit(self, limit: int | None) -> None:
        """Wipe the vault after ``limit`` failed unlocks in a row (``None`` turns it off)."""
        if limit is not None and not 3 <= limit <= 99:
            raise ValidationFailed({"wipe_limit": "out_of_range"})
        self._write_guard(limit or 0, 0)

    def _guard(self) -> tuple[int, int]:
        try:
            limit, count = msgpack.unpackb(self.guard_path.read_bytes())
            return int(limit), int(count)
        except FileNotFoundError:
            return 0, 0
        except (ValueError, TypeError, msgpack.UnpackException):
            return 0, 0

    def _write_guard(self, limit: int, count: int) -> None:
        if limit == 0 and not self.guard_path.exists():
            return
        try:
            atomic_write(self.guard_path, msgpack.packb([limit, count]))
        except OSError as exc:
            raise StoreError("guard") from exc

    def _count_failure(self) -> None:
        limit, count = self._guard()
        if not limit:
            raise WrongPassphrase()
        count += 1
        if count >= limit:
            self.wipe()
            raise WrongPassphrase(remaining=0)
        self._write_guard(limit, count)
        raise WrongPassphrase(remaining=limit - count)

    def _reset_failures(self) -> None:
        limit, count = self._guard()
        if count:
            self._write_guard(limit, 0)


def _shred_all(paths: list[Path]) -> None:
    for path in paths:
        shred(path)


MIN_PASSPHRASE = 8


def _check_passphrase(passphrase: str, *, field: str = "passphrase") -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationFailed({field: "too_short"})
