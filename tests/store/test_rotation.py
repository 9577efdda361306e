"""Key rotation: every key-file rewrite retires the pepper, and crashes roll forward."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.errors import WrongPassphrase
from app.store import FileSecrets, Vault
from app.store.keyfile import KeyFileStore
from app.store.vault import PEPPER_NAMES
from models import Contact
from tests.conftest import PASSPHRASE
from tests.factories import make_contact
from tests.store import examiner

DURESS = "tired old donkey"
NEW = "a brand new passphrase"


class PowerCut(BaseException):
    """The process dies here (nothing after it runs)."""


def rewrites(vault: Vault) -> dict[str, Callable[[], None]]:
    return {
        "passphrase": lambda: vault.change_passphrase(old=PASSPHRASE, new=PASSPHRASE),
        "set duress": lambda: vault.set_duress(passphrase=PASSPHRASE, duress=DURESS),
        "clear duress": lambda: vault.clear_duress(passphrase=PASSPHRASE),
        "wipe limit": lambda: vault.set_wipe_limit(5, passphrase=PASSPHRASE),
    }


@pytest.mark.parametrize(
    "change", ["passphrase", "set duress", "clear duress", "wipe limit"]
)
def test_every_rewrite_retires_the_pepper_so_an_old_copy_opens_nothing(
    vault: Vault, change: str
) -> None:
    store = vault.create(PASSPHRASE)
    saved = store.save(make_contact(asks="kept across rotations"))
    store.close()
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    before = vault.keyfile_path.read_bytes()
    old_pepper = vault._current().pepper
    real_key = examiner.data_key(vault, PASSPHRASE)

    rewrites(vault)[change]()

    now = examiner.peppers_of(vault)
    assert old_pepper not in now  # destroyed, not just set aside
    assert vault._current().pepper != old_pepper
    old_copies = examiner.candidates(before, vault.costs())
    assert len(old_copies) == 1
    opened = examiner.try_all(old_copies, [PASSPHRASE, DURESS], now)
    assert opened == []  # old key file + its passphrases + today's peppers
    assert examiner.data_key(vault, PASSPHRASE) == real_key  # re-wrapped, same key
    store = vault.unlock(PASSPHRASE)
    assert [c.id for c in store.records(Contact)] == [saved.id]
    store.close()


def test_three_passphrase_changes_leave_no_retired_passphrase_working(
    vault: Vault,
) -> None:
    vault.create(PASSPHRASE).close()
    used = [PASSPHRASE, "second passphrase", "third passphrase", "fourth passphrase"]
    copies = []
    for old, new in zip(used, used[1:], strict=False):
        copies.append(vault.keyfile_path.read_bytes())
        vault.change_passphrase(old=old, new=new)

    found = [k for c in copies for k in examiner.candidates(c, vault.costs())]
    assert examiner.try_all(found, used, examiner.peppers_of(vault)) == []
    for retired in used[:-1]:
        with pytest.raises(WrongPassphrase):
            vault.unlock(retired)
    vault.unlock(used[-1]).close()


def test_both_key_file_regions_never_hold_two_live_records(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    for change in rewrites(vault).values():
        change()
        records = KeyFileStore(vault.keyfile_path).regions()
        verifying = [
            r
            for r in records
            for p in examiner.peppers_of(vault)
            if vault._current().keyfile.parse(r, p) is not None
        ]
        assert len(verifying) == 1


def kill_at(monkeypatch: pytest.MonkeyPatch, target: object, name: str, n: int) -> None:
    """Raise PowerCut on the ``n``-th call of ``target.name`` (1-based)."""
    real = getattr(target, name)
    calls = {"n": 0}

    def dying(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == n:
            raise PowerCut()
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, dying)


def restart(vault: Vault) -> Vault:
    """A new process: new objects over the same files, recovery first."""
    secrets = vault.secrets
    assert isinstance(secrets, FileSecrets)
    again = Vault(vault.root, secrets=FileSecrets(secrets.path), kdf=vault._kdf)
    again.recover()
    return again


def test_a_crash_after_the_commit_rolls_forward_and_destroys_the_old_pepper(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_wipe_limit(5, passphrase=PASSPHRASE)
    old_pepper = vault._current().pepper
    before = vault.keyfile_path.read_bytes()
    # put #1 destroys the old pepper, right after the commit and the guard re-seal
    kill_at(monkeypatch, FileSecrets, "put", 1)
    with pytest.raises(PowerCut):
        vault.change_passphrase(old=PASSPHRASE, new=NEW)
    monkeypatch.undo()
    assert old_pepper in examiner.peppers_of(vault)  # the crash left it behind

    again = restart(vault)

    assert old_pepper not in examiner.peppers_of(again)
    old_copy = examiner.candidates(before, again.costs())
    assert examiner.try_all(old_copy, [PASSPHRASE], examiner.peppers_of(again)) == []
    with pytest.raises(WrongPassphrase):
        again.unlock(PASSPHRASE)
    again.unlock(NEW).close()
    assert again.wipe_limit() == 5


@pytest.mark.parametrize("cut", ["guard write", "key-file write"])
def test_a_crash_around_the_guard_reseal_keeps_the_wipe_limit(
    vault: Vault, monkeypatch: pytest.MonkeyPatch, cut: str
) -> None:
    from app.store.guard import Guard

    vault.create(PASSPHRASE).close()
    vault.set_wipe_limit(7, passphrase=PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        vault.unlock("one wrong guess")
    if cut == "guard write":  # count, reset, then the re-seal dies
        kill_at(monkeypatch, Guard, "write", 3)
    else:  # the guard is re-sealed under the waiting pepper, the commit dies
        kill_at(monkeypatch, KeyFileStore, "write", 1)
    with pytest.raises(PowerCut):
        vault.change_passphrase(old=PASSPHRASE, new=NEW)
    monkeypatch.undo()

    again = restart(vault)

    assert again.wipe_limit() == 7
    with pytest.raises(WrongPassphrase) as caught:
        again.unlock("another wrong guess")
    assert caught.value.remaining == 6  # a valid guard, not a tampered one
    again.unlock(PASSPHRASE).close()  # nothing was committed


def test_a_crash_before_the_commit_keeps_the_old_passphrase(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.create(PASSPHRASE).close()
    kill_at(monkeypatch, KeyFileStore, "write", 1)
    with pytest.raises(PowerCut):
        vault.change_passphrase(old=PASSPHRASE, new=NEW)
    monkeypatch.undo()

    again = restart(vault)

    again.unlock(PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        again.unlock(NEW)


def test_recovery_refreshes_the_waiting_pepper_on_every_start(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    spare = vault._current().spare
    first = vault.secrets.get(spare)

    again = restart(vault)

    assert again.secrets.get(spare) not in (None, first)
    again.unlock(PASSPHRASE).close()


def test_secret_names_and_peppers_are_the_only_device_secrets_of_a_new_vault(
    vault: Vault, tmp_path: Path
) -> None:
    vault.create(PASSPHRASE).close()
    assert all(vault.secrets.get(n) is not None for n in PEPPER_NAMES)
    data = (tmp_path / "secure" / "p.bin").read_bytes()
    assert b"vault.p0" not in data and b"vault" not in data
