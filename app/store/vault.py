"""The vault's life: create, unlock, change passphrase, duress, wipe, recover.

On disk (names neutral on purpose), in the vault folder ``root``:

* ``k.bin``: the key file (:mod:`app.store.keyfile`), updated in place
* ``d.db`` (+ ``-wal``, ``-shm``): the sealed database
* ``g.bin``: the failed-unlock guard (:mod:`app.store.guard`)

and, in the device's secret store (:mod:`app.store.secrets`), two peppers named
``vault.p0`` and ``vault.p1``: one verifies the current key-file record, the other
waits to seal the next one.

**Rotation.** Every key-file rewrite (passphrase, duress passphrase, wipe limit)
seals the next record under the waiting pepper, writes it (the commit), re-seals
the guard, then replaces the old pepper with a fresh random one. An old copy of the
key file, with the passphrase it was made for, then opens nothing: its pepper is
gone. The data key itself is re-wrapped, never re-encrypted.

**Crash consistency.** Every operation has one commit point, an in-place write of a
key-file region. The first vault call of each process runs :meth:`Vault.recover`,
which rolls forward whatever a killed process left: it refreshes the waiting pepper
(destroying a pepper a crash left behind), scrubs the stale region, re-seals the
guard, finishes a duress unlock, completes or clears a folder swap, and finishes
shredding.

**Duress.** The duress slot holds the decoy's salt and the duress passphrase already
stretched under it. Its unlock writes the decoy's record (state ``FRESH``) over the
spare region as its very first write: from that instant the next start opens the
decoy and the real passphrase fails like any wrong one. Then the real pepper is
destroyed, every other device secret too, a new vault folder (key file, guard, empty
database) replaces the old one, which is shredded in the background, and the
companion folders (guidance packs from the hub) go.

Every passphrase check, in unlock or in settings, is one counted, locked attempt.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import threading
import time
import unicodedata
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from app.errors import (
    DiskFull,
    KeyMaterialLost,
    NoVault,
    SecureStorageError,
    StoreError,
    ValidationFailed,
    VaultCorrupt,
    VaultExists,
    WrongPassphrase,
)
from app.store.crypto import Keyring
from app.store.engine import Database
from app.store.files import dir_lock, fsync_dir, is_disk_full, shred, shred_tree
from app.store.guard import Guard
from app.store.inplace import mark_dir_nocow
from app.store.kdf import KdfParams, calibrate, stretch
from app.store.keyfile import (
    RECORD_SIZE,
    SLOTS,
    Duress,
    KeyFile,
    KeyFileStore,
    Opened,
    Plan,
    SlotType,
    State,
    kek,
)
from app.store.migrations import empty_database, migrate, schema_present
from app.store.secrets import Protection, SecretStore
from app.store.store import Store

__all__ = ["PEPPER_NAMES", "Vault"]

PEPPER_NAMES = ("vault.p0", "vault.p1")
MIN_PASSPHRASE = 8
MAX_WIPE_LIMIT = 99
_open_stores: dict[str, weakref.WeakSet[Store]] = {}
_recovered: set[str] = set()
_background: list[threading.Thread] = []
# Raised before anything is written: no need to run recovery again after them.
_CLEAN_ERRORS = (WrongPassphrase, ValidationFailed, NoVault, VaultExists)


@dataclass(frozen=True, slots=True)
class _Key:
    """The current key-file record and the pepper that verifies it."""

    keyfile: KeyFile
    state: State
    region: int
    name: str
    pepper: bytes

    @property
    def spare(self) -> str:
        """The name of the waiting pepper."""
        return PEPPER_NAMES[1 - PEPPER_NAMES.index(self.name)]


@dataclass(frozen=True, slots=True)
class _Attempt:
    key: _Key
    stretched: bytes
    opened: Opened
    staged: _Stage | None = None
    pace: _Pace | None = None

    def plan(self) -> Plan:
        return self.key.keyfile.plan_from(self.opened, self.stretched, self.key.pepper)


def _norm(passphrase: str) -> str:
    return unicodedata.normalize("NFC", passphrase)


class Vault:
    """One vault folder and the device secrets that go with it.

    ``secrets`` is the device's secret store; anything else stored there is
    destroyed with the vault (wipe, duress). ``companions`` are folders that belong
    to this vault's life (guidance packs installed from its hub) and go with it;
    ``on_erase`` callbacks run after a wipe or duress so the process can drop what
    it loaded from them. ``pepper`` is the old name of ``secrets``.
    """

    def __init__(
        self,
        root: Path,
        *,
        secrets: SecretStore | None = None,
        pepper: SecretStore | None = None,
        kdf: KdfParams | None = None,
        companions: Sequence[Path] = (),
    ) -> None:
        store = secrets if secrets is not None else pepper
        if store is None:
            raise TypeError("a vault needs a secret store")
        self.root = root
        self.secrets: SecretStore = store
        self._kdf = kdf
        self.companions = tuple(companions)
        self.on_erase: list[Callable[[], None]] = []
        self.keyfile_path = root / "k.bin"
        self.db_path = root / "d.db"
        self.guard_path = root / "g.bin"
        self._keys = KeyFileStore(self.keyfile_path)

    # -- queries ------------------------------------------------------------------

    def exists(self) -> bool:
        """True when a vault (its key file) is present."""
        return self.keyfile_path.exists() or (
            not self.root.exists() and self._pending() is not None
        )

    def protection(self) -> Protection:
        """How well this device can destroy the vault's keys."""
        return self.secrets.protection()

    def costs(self) -> KdfParams:
        """The Argon2id costs in the key file (benchmarks and diagnostics).

        Raises:
            NoVault, KeyMaterialLost, VaultCorrupt: as :meth:`unlock`.
        """
        return self._current().keyfile.params

    def wipe_limit(self) -> int | None:
        """Failed unlocks in a row that trigger a wipe, or ``None`` when off."""
        try:
            key = self._current()
        except StoreError:
            return None
        return Guard(self.guard_path, key.pepper).read().limit or None

    # -- create and unlock ----------------------------------------------------------

    def create(self, passphrase: str) -> Store:
        """Create a new vault protected by ``passphrase`` and return it unlocked.

        Files left in the vault folder without a key file (an interrupted wipe)
        cannot be decrypted by anyone; they are shredded first.

        Raises:
            VaultExists: if a key file is already there (never overwritten).
            ValidationFailed: if the passphrase is too short.
            DiskFull, SecureStorageError: if the keys cannot be stored.
        """
        _check_passphrase(passphrase)
        with self._locked():
            if self.exists():
                raise VaultExists()
            keyfile = KeyFile.new(self._kdf or calibrate())
            stretched = stretch(
                _norm(passphrase), salt=keyfile.salt, params=keyfile.params
            )
            name = secrets.choice(PEPPER_NAMES)
            pepper = os.urandom(32)
            self.secrets.put(name, pepper)
            self.secrets.put(PEPPER_NAMES[1 - PEPPER_NAMES.index(name)], os.urandom(32))
            data_key = os.urandom(32)
            plan = Plan(secrets.randbelow(SLOTS), stretched, data_key)
            record = keyfile.seal(plan, pepper=pepper).record(pepper, State.LIVE)
            old = self._swap_in(self._build(record, pepper))
            if old is not None:
                shred_tree(old)
            return self._open_db(data_key)

    def unlock(self, passphrase: str) -> Store:
        """Open the vault. A duress passphrase silently wipes it and opens a decoy.

        Raises:
            NoVault: if there is no vault.
            WrongPassphrase: if the passphrase opens no slot. Nothing on disk changes
                unless a wipe limit is set, which counts the failure first.
            KeyMaterialLost: if the device peppers are gone.
            VaultCorrupt: if the key file or database is damaged (left untouched).
            DiskFull: if a wipe limit is set and the failure count cannot be saved.
            SecureStorageError: if the device's secret store does not answer.
        """
        with self._locked():
            attempt = self._attempt(passphrase, stage=True)
            if attempt.opened.kind is SlotType.DURESS:
                store = self._duress(attempt)
            else:
                store = self._open_db(attempt.opened.key)
            if attempt.pace is not None:
                attempt.pace.wait()
            return store

    def _current(self) -> _Key:
        """The key-file record the newest verifying pepper belongs to."""
        if not self._keys.exists():
            raise NoVault()
        regions = self._keys.regions()
        found: list[_Key] = []
        missing = 0
        for name in PEPPER_NAMES:
            pepper = self.secrets.get(name)
            if pepper is None:
                missing += 1
                continue
            for index, record in enumerate(regions):
                parsed = KeyFile.parse(record, pepper)
                if parsed is not None:
                    found.append(_Key(parsed[0], parsed[1], index, name, pepper))
        if not found:
            if missing == len(PEPPER_NAMES):
                raise KeyMaterialLost()
            raise VaultCorrupt("keyfile")
        return max(found, key=lambda k: k.keyfile.gen)

    def _attempt(self, passphrase: str, *, stage: bool = False) -> _Attempt:
        """One counted passphrase check; the caller holds the vault lock.

        With ``stage`` (unlock), the folder a duress unlock would need is laid out
        while Argon2id runs, whatever the passphrase: every outcome does the same
        work, and a duress unlock has little left to do after it.
        """
        key = self._current()
        if key.state is State.FRESH:  # recovery could not finish a duress unlock
            self._finish_fresh(key, background=False)
            key = self._current()
        guard = Guard(self.guard_path, key.pepper)
        state = guard.read()
        if state.valid and state.limit:
            guard.write(state.limit, state.count + 1)  # counted before the work
        keyfile = key.keyfile
        staged = _Stage(self, self._spare_pepper(key)) if stage else None
        try:
            stretched = stretch(
                _norm(passphrase), salt=keyfile.salt, params=keyfile.params
            )
            opened = keyfile.open_any(kek(stretched, key.pepper))
        except BaseException:
            if staged is not None:
                staged.discard()
            raise
        pace = _Pace(staged)
        duress = opened is not None and opened.kind is SlotType.DURESS
        if staged is not None and not duress:
            staged.wait()  # a duress unlock commits first and waits later
            staged.discard()
        if opened is None:
            spent = not state.valid or (state.limit and state.count + 1 >= state.limit)
            if spent:
                self._wipe_locked()
            pace.wait()
            if spent:
                raise WrongPassphrase(remaining=0)
            left = state.limit - state.count - 1 if state.limit else None
            raise WrongPassphrase(remaining=left)
        stale = not state.valid or state.count or state.limit != opened.limit
        if opened.kind is SlotType.REAL and (stale or state.limit):
            guard.write(opened.limit, 0)
        return _Attempt(key, stretched, opened, staged if duress else None, pace)

    def _attempt_real(self, passphrase: str) -> _Attempt:
        attempt = self._attempt(passphrase)
        if attempt.opened.kind is not SlotType.REAL:
            raise WrongPassphrase()  # the duress words are not accepted in settings
        return attempt

    def _open_db(self, data_key: bytes) -> Store:
        # Databases are only ever made by _build(): at unlock, a missing or empty
        # file means it was deleted or damaged, and it is never silently recreated.
        if not self.db_path.exists() or self.db_path.stat().st_size == 0:
            raise VaultCorrupt("database")
        keyring = Keyring(data_key)
        db = Database(self.db_path)
        try:
            if not schema_present(db):
                raise VaultCorrupt("database")
            migrate(db, keyring)
            store = Store(db=db, keyring=keyring)
            if not store.device:  # a vault laid out before its first unlock
                store.set_identity(device=str(uuid.uuid4()), team="")
        except BaseException:
            db.close()
            raise
        _open_stores.setdefault(str(self.root.absolute()), weakref.WeakSet()).add(store)
        return store

    # -- passphrases and settings -----------------------------------------------------

    def change_passphrase(self, *, old: str, new: str) -> None:
        """Re-wrap the data key under ``new`` (and a new pepper). Records untouched.

        Raises:
            WrongPassphrase: if ``old`` is not the vault's passphrase (counted).
            ValidationFailed: if ``new`` is too short or equals the duress passphrase.
        """
        _check_passphrase(new)
        with self._locked():
            attempt = self._attempt_real(old)
            keyfile = attempt.key.keyfile
            stretched = stretch(_norm(new), salt=keyfile.salt, params=keyfile.params)
            plan = attempt.plan()
            if plan.duress is not None and plan.duress.stretched == stretched:
                raise ValidationFailed({"passphrase": "same_as_duress"})
            self._rewrite(attempt.key, replace(plan, real_stretched=stretched))

    def set_duress(self, *, passphrase: str, duress: str) -> None:
        """Add or replace the duress passphrase, confirming the real one first.

        Runs Argon2id three times: the check, the duress passphrase under this
        vault's salt, and under the decoy's own fresh salt (so a duress unlock later
        needs no extra run and costs what any unlock costs).

        Raises:
            WrongPassphrase: if ``passphrase`` is not the vault's passphrase (counted).
            ValidationFailed: if ``duress`` is too short or equals the real one.
        """
        _check_passphrase(duress, field="duress")
        if _norm(duress) == _norm(passphrase):
            raise ValidationFailed({"duress": "same_as_passphrase"})
        with self._locked():
            attempt = self._attempt_real(passphrase)
            keyfile, plan = attempt.key.keyfile, attempt.plan()
            words, params = _norm(duress), keyfile.params
            decoy_salt = os.urandom(16)
            slot = Duress(
                index=plan.duress.index if plan.duress else plan.free_index(),
                stretched=stretch(words, salt=keyfile.salt, params=params),
                decoy_salt=decoy_salt,
                decoy_stretched=stretch(words, salt=decoy_salt, params=params),
            )
            self._rewrite(attempt.key, replace(plan, duress=slot))

    def clear_duress(self, *, passphrase: str) -> None:
        """Remove the duress passphrase (every slot is re-sealed or randomised)."""
        with self._locked():
            attempt = self._attempt_real(passphrase)
            self._rewrite(attempt.key, replace(attempt.plan(), duress=None))

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
            plan = replace(attempt.plan(), wipe_limit=limit or 0)
            key = self._rewrite(attempt.key, plan)
            Guard(self.guard_path, key.pepper).write(limit or 0, 0)

    # -- key-file rewrites ---------------------------------------------------------

    def _spare_pepper(self, key: _Key) -> bytes:
        spare = self.secrets.get(key.spare)
        if spare is None:  # recovery could not prepare it: do it now
            spare = os.urandom(32)
            self.secrets.put(key.spare, spare)
        return spare

    def _rewrite(self, key: _Key, plan: Plan) -> _Key:
        pepper = self._spare_pepper(key)
        return self._commit(key, key.keyfile.seal(plan, pepper=pepper), pepper)

    def _commit(
        self, key: _Key, sealed: KeyFile, pepper: bytes, state: State = State.LIVE
    ) -> _Key:
        """Write ``sealed`` (the commit), then destroy the old pepper and record.

        The guard is re-sealed first: it is the one write that needs new space, so
        a full disk refuses the change before anything is committed. (Recovery
        re-seals a guard found under either pepper.)
        """
        if state is State.LIVE:
            self._reseal_guard(key.pepper, pepper)
        region = 1 - key.region
        self._keys.write(region, sealed.record(pepper, state))
        new = _Key(sealed, state, region, key.spare, pepper)
        self.secrets.put(key.name, os.urandom(32))  # the old pepper is gone
        self._keys.scrub(key.region)
        return new

    def _reseal_guard(self, old: bytes, new: bytes) -> None:
        state = Guard(self.guard_path, old).read()
        if state.valid:
            Guard(self.guard_path, new).write(state.limit, state.count)

    # -- duress and wipes ---------------------------------------------------------

    def _duress(self, attempt: _Attempt) -> Store:
        key, opened = attempt.key, attempt.opened
        pepper = self._spare_pepper(key)
        decoy = KeyFile.new(key.keyfile.params, salt=opened.aux[:16])
        decoy.gen = key.keyfile.gen  # continues, so the decoy's record is the newest
        data_key = os.urandom(32)
        plan = Plan(secrets.randbelow(SLOTS), opened.key, data_key)
        # The commit: from here on the next start opens the decoy.
        fresh = self._commit(key, decoy.seal(plan, pepper=pepper), pepper, State.FRESH)
        self._finish_fresh(fresh, background=True, staged=attempt.staged)
        return self._open_db(data_key)

    def _finish_fresh(
        self, key: _Key, *, background: bool, staged: _Stage | None = None
    ) -> None:
        """Replace everything beside a FRESH record with a new, empty vault folder."""
        self.secrets.clear(keep=PEPPER_NAMES)
        self.close_all()
        self._erase_companions()  # before the swap, so a crash here repeats it
        kf = key.keyfile
        live = KeyFile(salt=kf.salt, params=kf.params, slots=kf.slots, gen=kf.gen + 1)
        record = live.record(key.pepper, State.LIVE)
        try:
            staging = (
                staged.complete(record) if staged else self._build(record, key.pepper)
            )
        except DiskFull:
            if staged is not None:
                staged.discard()
            # No room for the new folder beside the old: the old database goes
            # first (the FRESH record stays, so a crash here still finishes).
            for stale in self.root.iterdir():
                if stale.name != self.keyfile_path.name:
                    shred(stale)
            staging = self._build(record, key.pepper)
        old = self._swap_in(staging)
        if old is not None:
            self._shred(old, background=background)

    def wipe(self) -> None:
        """Crypto-erase the vault: every device secret first, then the files."""
        with self._locked():
            self._wipe_locked()

    def close_all(self) -> None:
        """Lock every store of this vault open in this process (every session)."""
        for store in list(_open_stores.get(str(self.root.absolute()), ())):
            with contextlib.suppress(StoreError):
                store.close()

    def _wipe_locked(self) -> None:
        self.secrets.clear()
        self.close_all()
        self._erase_companions()
        if self.root.exists():
            old = self._sibling("o")
            os.replace(self.root, old)
            fsync_dir(self.root.parent)
            shred_tree(old)

    def _erase_companions(self) -> None:
        for path in self.companions:
            shutil.rmtree(path, ignore_errors=True)
        for callback in list(self.on_erase):
            with contextlib.suppress(Exception):
                callback()

    def _shred(self, folder: Path, *, background: bool) -> None:
        if not background:
            shred_tree(folder)
            return
        thread = threading.Thread(
            target=shred_tree, args=(folder,), name="shred", daemon=True
        )
        thread.start()
        _background.append(thread)

    @staticmethod
    def settle() -> None:
        """Wait for background shredding to end (tests and benchmarks)."""
        while _background:
            _background.pop().join()

    # -- folders ----------------------------------------------------------------------

    def _sibling(self, kind: str) -> Path:
        # n: complete new folder, p: being laid out, o: old folder being shredded
        return self.root.parent / f".{self.root.name}.{kind}-{secrets.token_hex(6)}"

    def _siblings(self) -> list[Path]:
        return sorted(self.root.parent.glob(f".{self.root.name}.[nop]-*"))

    def _pending(self) -> Path | None:
        """A complete new vault folder waiting to be renamed into place."""
        for path in self.root.parent.glob(f".{self.root.name}.n-*"):
            if (path / "k.bin").is_file():
                return path
        return None

    def _build(self, record: bytes, pepper: bytes) -> Path:
        """A complete vault folder beside ``root`` whose key file holds ``record``."""
        staging = self._sibling("n")
        _lay_out(staging, pepper, record)
        return staging

    def _swap_in(self, staging: Path) -> Path | None:
        """Put ``staging`` in place of ``root``; return where the old folder went."""
        old = None
        if self.root.exists():
            old = self._sibling("o")
            os.replace(self.root, old)
        os.replace(staging, self.root)
        fsync_dir(self.root.parent)
        return old

    # -- recovery ---------------------------------------------------------------------

    def recover(self) -> None:
        """Finish what a killed process left half done. The app calls it at start.

        Raises:
            DiskFull, SecureStorageError: if a step that must happen cannot be
                written; the next vault call tries again.
        """
        with self._locked(force=True):
            pass

    @contextlib.contextmanager
    def _locked(self, *, force: bool = False) -> Iterator[None]:
        parent = self.root.parent
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        mark = str(self.root.absolute())
        with dir_lock(parent):
            if (force or mark not in _recovered) and self._recover():
                _recovered.add(mark)
            try:
                yield
            except _CLEAN_ERRORS:
                raise
            except BaseException:
                _recovered.discard(mark)
                raise

    def _recover(self) -> bool:
        """Roll forward; False when the secret store could not be asked yet."""
        if not self.root.exists():
            pending = self._pending()
            if pending is not None:  # killed between the two renames of a swap
                os.replace(pending, self.root)
                fsync_dir(self.root.parent)
        for leftover in self._siblings():
            shred_tree(leftover)
        self._sweep()
        try:
            key = self._current()
        except SecureStorageError:
            return False  # the phone's store is not attached yet: try again later
        except StoreError:
            return True  # nothing to roll forward; unlock reports the problem
        self._settle_guard(key)
        self.secrets.put(key.spare, os.urandom(32))  # a pepper a crash left behind
        self._keys.scrub(1 - key.region)
        if key.state is State.FRESH:
            self._finish_fresh(key, background=False)
        return True

    def _settle_guard(self, key: _Key) -> None:
        if Guard(self.guard_path, key.pepper).read().valid:
            return
        spare = self.secrets.get(key.spare)
        if spare is not None:  # killed between a commit and the guard's re-seal
            self._reseal_guard(spare, key.pepper)

    def _sweep(self) -> None:
        """Shred temporary files a crash left in the vault folder."""
        if self.root.is_dir():
            for path in self.root.glob(".*"):
                if path.is_file():
                    shred(path)


def _lay_out(folder: Path, pepper: bytes, record: bytes | None) -> None:
    """Make a vault folder: guard, empty database, then the key file (last, so a
    folder that has one is complete). ``record=None`` leaves a random placeholder.

    Raises:
        DiskFull: if there is no room (the half-made folder is removed).
    """
    try:
        folder.mkdir(mode=0o700)
        mark_dir_nocow(folder)
        Guard(folder / "g.bin", pepper).write(0, 0)
        fd = os.open(folder / "d.db", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            data = memoryview(empty_database())
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if record is None:
            KeyFileStore.create(folder / "k.bin", os.urandom(RECORD_SIZE))
        else:
            KeyFileStore.create(folder / "k.bin", record)
        fsync_dir(folder)
    except BaseException as exc:
        shred_tree(folder)
        if isinstance(exc, OSError):
            raise (
                DiskFull("database") if is_disk_full(exc) else StoreError("io")
            ) from exc
        raise


class _Pace:
    """Every unlock outcome ends at the same moment after Argon2id.

    Wrong, real and duress passphrases differ in the work that follows the key
    derivation (a duress unlock writes a few more files). Each outcome waits until
    the same deadline: the later of the end of Argon2id and of the staged folder,
    plus twice the time this device's storage took to lay that folder out during
    the same attempt. So no outcome can be told by its time, on slow storage too.
    """

    FLOOR_S = 0.04
    CEILING_S = 0.6

    def __init__(self, staged: _Stage | None) -> None:
        self._staged = staged
        self._kdf_end = time.monotonic()

    def wait(self) -> None:
        """Sleep until the deadline (no-op without a stage, or once it passed)."""
        if self._staged is None:
            return
        self._staged.wait()
        budget = min(max(2.0 * self._staged.seconds, self.FLOOR_S), self.CEILING_S)
        deadline = max(self._kdf_end, self._staged.ended_at) + budget
        left = deadline - time.monotonic()
        if left > 0:
            time.sleep(left)


class _Stage:
    """A vault folder laid out in a thread while Argon2id runs (see _attempt)."""

    def __init__(self, vault: Vault, pepper: bytes) -> None:
        self.path = vault._sibling("p")
        self.seconds = 0.0
        self.ended_at = 0.0
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(pepper,), name="stage", daemon=True
        )
        self._thread.start()

    def _run(self, pepper: bytes) -> None:
        start = time.monotonic()
        try:
            _lay_out(self.path, pepper, None)
        except BaseException as exc:  # handed to whoever completes the stage
            self._error = exc
        self.ended_at = time.monotonic()
        self.seconds = self.ended_at - start

    def complete(self, record: bytes) -> Path:
        """Put ``record`` in the folder's key file; the folder is then whole.

        Raises:
            DiskFull: if laying it out failed for lack of space.
        """
        self._thread.join()
        if self._error is not None:
            raise self._error
        keys = KeyFileStore(self.path / "k.bin")
        keys.write(secrets.randbelow(2), record)
        # Named as complete: a start that finds no vault folder takes this one.
        done = self.path.with_name(self.path.name.replace(".p-", ".n-", 1))
        os.replace(self.path, done)
        fsync_dir(done.parent)
        return done

    def wait(self) -> float:
        """Wait until the folder is laid out; return how long that took (s)."""
        self._thread.join()
        return self.seconds

    def discard(self) -> None:
        """Shred the folder once it is laid out, in the background."""

        def work() -> None:
            self._thread.join()
            shred_tree(self.path)

        thread = threading.Thread(target=work, name="unstage", daemon=True)
        thread.start()
        _background.append(thread)


def _check_passphrase(passphrase: str, *, field: str = "passphrase") -> None:
    if len(_norm(passphrase)) < MIN_PASSPHRASE:
        raise ValidationFailed({field: "too_short"})
