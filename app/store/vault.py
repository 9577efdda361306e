"""The vault's life: create, unlock, change passphrase, duress, wipe.

Files in the vault directory (names neutral on purpose):

* ``k.bin``: the key file (:mod:`app.store.keyfile`)
* ``d.db`` (+ ``-wal``, ``-shm``): the sealed database
* ``g.bin``: the failed-unlock guard (:mod:`app.store.guard`)

The pepper lives elsewhere (:mod:`app.store.pepper`). Every passphrase check, in
unlock or in settings, goes through one counted, locked attempt.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import unicodedata
import uuid
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

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
from app.store.files import dir_lock, shred, unlink_and_shred
from app.store.guard import Guard
from app.store.kdf import KdfParams, calibrate, stretch
from app.store.keyfile import KeyFile, Opened, Plan, SlotType
from app.store.migrations import migrate, schema_present
from app.store.pepper import PepperStore
from app.store.store import Store

__all__ = ["Vault"]

_DB_SUFFIXES = ("", "-wal", "-shm", "-journal")
MIN_PASSPHRASE = 8
MAX_WIPE_LIMIT = 99
_open_stores: dict[str, weakref.WeakSet[Store]] = {}


@dataclass(frozen=True, slots=True)
class _Attempt:
    keyfile: KeyFile
    stretched: bytes
    pepper: bytes
    opened: Opened

    def kek(self) -> bytes:
        return _kek(self.stretched, self.pepper)

    def plan(self) -> Plan:
        return Plan.from_opened(self.opened, self.kek())


def _kek(stretched: bytes, pepper: bytes) -> bytes:
    return derive(stretched, salt=pepper, info=b"parley/kek/v1")


def _norm(passphrase: str) -> str:
    return unicodedata.normalize("NFC", passphrase)


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
        """Failed unlocks in a row that trigger a wipe, or ``None`` when off."""
        pepper = self._pepper_or_none()
        if pepper is None:
            return None
        return Guard(self.guard_path, pepper).read().limit or None

    # -- create and unlock ----------------------------------------------------------

    def create(self, passphrase: str) -> Store:
        """Create a new vault protected by ``passphrase`` and return it unlocked.

        Database files left without a key file (an interrupted wipe) cannot be
        decrypted by anyone; they are shredded first.

        Raises:
            VaultExists: if a key file is already there (never overwritten).
            ValidationFailed: if the passphrase is too short.
        """
        _check_passphrase(passphrase)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._locked():
            if self.exists():
                raise VaultExists()
            self._sweep(leftover_db=True)
            keyfile = KeyFile.new(self._kdf or calibrate())
            stretched = stretch(
                _norm(passphrase), salt=keyfile.salt, params=keyfile.params
            )
            return self._fresh(keyfile, stretched)

    def _fresh(self, keyfile: KeyFile, stretched: bytes) -> Store:
        pepper = self.pepper.create()
        data_key = os.urandom(32)
        plan = Plan(
            real_index=secrets.randbelow(4),
            real_kek=_kek(stretched, pepper),
            data_key=data_key,
        )
        keyfile.rebuild(plan).save(self.keyfile_path)
        Guard(self.guard_path, pepper).write(0, 0)
        fd = os.open(self.db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        store = self._open_db(data_key, fresh=True)
        store.set_identity(device=str(uuid.uuid4()), team="")
        return store

    def unlock(self, passphrase: str) -> Store:
        """Open the vault. A duress passphrase silently wipes it and opens a decoy.

        Raises:
            NoVault: if there is no vault.
            WrongPassphrase: if the passphrase opens no slot. Nothing on disk changes
                unless a wipe limit is set, which counts the failure first.
            KeyMaterialLost: if the device pepper is gone.
            VaultCorrupt: if the key file or database is damaged (left untouched).
            DiskFull: if a wipe limit is set and the failure count cannot be saved.
        """
        with self._locked():
            attempt = self._attempt(passphrase)
            if attempt.opened.kind is SlotType.DURESS:
                return self._duress(attempt)
            return self._open_db(attempt.opened.key)

    def _load(self) -> tuple[KeyFile, bytes]:
        if not self.exists():
            raise NoVault()
        keyfile = KeyFile.load(self.keyfile_path)
        pepper = self._pepper_or_none()
        if pepper is None:
            raise KeyMaterialLost()
        return keyfile, pepper

    def _pepper_or_none(self) -> bytes | None:
        try:
            return self.pepper.load()
        except OSError as exc:
            raise KeyMaterialLost() from exc

    def _attempt(self, passphrase: str) -> _Attempt:
        """One counted passphrase check; the caller holds the vault lock."""
        keyfile, pepper = self._load()
        guard = Guard(self.guard_path, pepper)
        state = guard.read()
        if state.valid and state.limit:
            guard.write(state.limit, state.count + 1)  # counted before the work
        stretched = stretch(_norm(passphrase), salt=keyfile.salt, params=keyfile.params)
        opened = keyfile.open_any(_kek(stretched, pepper))
        if opened is None:
            spent = not state.valid or (state.limit and state.count + 1 >= state.limit)
            if spent:
                self._wipe_locked()
                raise WrongPassphrase(remaining=0)
            left = state.limit - state.count - 1 if state.limit else None
            raise WrongPassphrase(remaining=left)
        stale = not state.valid or state.count or state.limit != opened.limit
        if opened.kind is SlotType.REAL and (stale or state.limit):
            guard.write(opened.limit, 0)
        return _Attempt(keyfile, stretched, pepper, opened)

    def _attempt_real(self, passphrase: str) -> _Attempt:
        attempt = self._attempt(passphrase)
        if attempt.opened.kind is not SlotType.REAL:
            raise WrongPassphrase()  # the duress words are not accepted in settings
        return attempt

    def _open_db(self, data_key: bytes, *, fresh: bool = False) -> Store:
        # Only _fresh() may start a database: at unlock, a missing or empty file
        # means it was deleted or damaged, and it is never silently recreated.
        if not fresh and (
            not self.db_path.exists() or self.db_path.stat().st_size == 0
        ):
            raise VaultCorrupt("database")
        keyring = Keyring(data_key)
        db = Database(self.db_path)
        try:
            if not fresh and not schema_present(db):
                raise VaultCorrupt("database")
            migrate(db, keyring)
            store = Store(db=db, keyring=keyring)
        except BaseException:
            db.close()
            raise
        _open_stores.setdefault(str(self.root.resolve()), weakref.WeakSet()).add(store)
        return store

    # -- passphrases and settings -----------------------------------------------------

    def change_passphrase(self, *, old: str, new: str) -> None:
        """Re-wrap the data key under ``new``. Records are not touched.

        Raises:
            WrongPassphrase: if ``old`` is not the vault's passphrase (counted).
            ValidationFailed: if ``new`` is too short or equals the duress passphrase.
        """
        _check_passphrase(new)
        with self._locked():
            attempt = self._attempt_real(old)
            keyfile = attempt.keyfile
            stretched = stretch(_norm(new), salt=keyfile.salt, params=keyfile.params)
            new_kek = _kek(stretched, attempt.pepper)
            plan = attempt.plan()
            if plan.duress is not None and plan.duress[1] == new_kek:
                raise ValidationFailed({"passphrase": "same_as_duress"})
            self._save(keyfile, replace(plan, real_kek=new_kek))

    def set_duress(self, *, passphrase: str, duress: str) -> None:
        """Add or replace the duress passphrase, confirming the real one first.

        Raises:
            WrongPassphrase: if ``passphrase`` is not the vault's passphrase (counted).
            ValidationFailed: if ``duress`` is too short or equals the real one.
        """
        _check_passphrase(duress, field="duress")
        if _norm(duress) == _norm(passphrase):
            raise ValidationFailed({"duress": "same_as_passphrase"})
        with self._locked():
            attempt = self._attempt_real(passphrase)
            keyfile, plan = attempt.keyfile, attempt.plan()
            stretched = stretch(_norm(duress), salt=keyfile.salt, params=keyfile.params)
            index = plan.duress[0] if plan.duress else plan.free_index()
            slot = (index, _kek(stretched, attempt.pepper))
            self._save(keyfile, replace(plan, duress=slot))

    def clear_duress(self, *, passphrase: str) -> None:
        """Remove the duress passphrase (every slot is re-sealed or randomised)."""
        with self._locked():
            attempt = self._attempt_real(passphrase)
            self._save(attempt.keyfile, replace(attempt.plan(), duress=None))

    def has_duress(self, *, passphrase: str) -> bool:
        """Tell whether a duress passphrase is set (needs the real passphrase)."""
        with self._locked():
            return self._attempt_real(passphrase).opened.link is not None

    def set_wipe_limit(self, limit: int | None, *, passphrase: str) -> None:
        """Wipe after ``limit`` failed unlocks in a row (``None`` turns it off).

        Raises:
            ValidationFailed: if the limit is outside 3..99.
            WrongPassphrase: if ``passphrase`` is not the vault's passphrase (counted).
        """
        if limit is not None and not 3 <= limit <= MAX_WIPE_LIMIT:
            raise ValidationFailed({"wipe_limit": "out_of_range"})
        with self._locked():
            attempt = self._attempt_real(passphrase)
            self._save(attempt.keyfile, replace(attempt.plan(), wipe_limit=limit or 0))
            Guard(self.guard_path, attempt.pepper).write(limit or 0, 0)

    def _save(self, keyfile: KeyFile, plan: Plan) -> None:
        keyfile.rebuild(plan).save(self.keyfile_path)

    # -- wipes ----------------------------------------------------------------------

    def wipe(self) -> None:
        """Crypto-erase the vault: pepper and key file first, then the database."""
        with self._locked():
            self._wipe_locked()

    def close_all(self) -> None:
        """Lock every store of this vault open in this process (every session)."""
        for store in list(_open_stores.get(str(self.root.resolve()), ())):
            with contextlib.suppress(StoreError):
                store.close()

    def _wipe_locked(self) -> None:
        self.pepper.destroy()
        shred(self.keyfile_path)
        self.close_all()
        for suffix in _DB_SUFFIXES:
            shred(Path(str(self.db_path) + suffix))
        shred(self.guard_path)

    def _duress(self, attempt: _Attempt) -> Store:
        # 1. crypto-erase: the pepper and the key file go first.
        self.pepper.destroy()
        shred(self.keyfile_path)
        self.close_all()
        # 2. every database name goes at once; the contents are overwritten in the
        #    background so this unlock takes about as long as a normal one.
        unlink_and_shred([Path(str(self.db_path) + s) for s in _DB_SUFFIXES])
        # 3. a fresh, working vault whose passphrase is the duress passphrase. Same
        #    salt and costs (no second Argon2id run), so the old passphrase now fails
        #    like any wrong one, at the same cost.
        fresh = KeyFile(
            salt=attempt.keyfile.salt, params=attempt.keyfile.params, slots=[]
        )
        return self._fresh(fresh, attempt.stretched)

    # -- housekeeping ------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if not self.root.is_dir():
            yield
            return
        with dir_lock(self.root):
            self._sweep(leftover_db=False)
            yield

    def _sweep(self, *, leftover_db: bool) -> None:
        """Shred temporary files left by a crash, and orphaned database files."""
        for path in self.root.glob(".*"):
            if path.is_file():
                shred(path)
        if leftover_db and not self.exists():
            for suffix in _DB_SUFFIXES:
                shred(Path(str(self.db_path) + suffix))


def _check_passphrase(passphrase: str, *, field: str = "passphrase") -> None:
    if len(_norm(passphrase)) < MIN_PASSPHRASE:
        raise ValidationFailed({field: "too_short"})
