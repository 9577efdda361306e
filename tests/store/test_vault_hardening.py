"""Vault hardening: the wipe counter, concurrent edits, leftovers, key-file traces."""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

import pytest

from app.errors import (
    DiskFull,
    StoreLocked,
    VaultCorrupt,
    WrongPassphrase,
)
from app.store import Vault
from app.store import vault as vault_module
from app.store.guard import Guard
from app.store.kdf import stretch as real_stretch
from app.store.keyfile import SLOT_SIZE, SLOTS
from models import Contact
from tests.conftest import PASSPHRASE
from tests.factories import make_contact

DURESS = "tired old donkey"


class PowerCut(BaseException):
    pass


def slots_of(path: Path) -> list[bytes]:
    body = path.read_bytes()[22:]
    return [body[i * SLOT_SIZE : (i + 1) * SLOT_SIZE] for i in range(SLOTS)]


def test_failure_is_counted_before_the_passphrase_is_checked(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_wipe_limit(3, passphrase=PASSPHRASE)

    def cut(*args: object, **kwargs: object) -> bytes:
        raise PowerCut()

    monkeypatch.setattr(vault_module, "stretch", cut)
    for _ in range(2):  # the plug is pulled while Argon2id runs
        with pytest.raises(PowerCut):
            vault.unlock("a guess in progress")
    monkeypatch.undo()

    with pytest.raises(WrongPassphrase) as caught:
        vault.unlock("one more guess")
    assert caught.value.remaining == 0
    assert not vault.exists()


def test_attempt_is_refused_when_the_count_cannot_be_saved(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_wipe_limit(3, passphrase=PASSPHRASE)

    def full(self: Guard, limit: int, count: int) -> None:
        raise DiskFull("guard")

    monkeypatch.setattr(Guard, "write", full)
    for _ in range(10):
        with pytest.raises(DiskFull):
            vault.unlock("guessing on a full disk")
    monkeypatch.undo()
    vault.unlock(PASSPHRASE).close()


def test_parallel_guesses_cannot_outrun_the_wipe_limit(vault: Vault) -> None:
    store = vault.create(PASSPHRASE)
    store.save(make_contact())
    store.close()
    vault.set_wipe_limit(3, passphrase=PASSPHRASE)
    outcomes: list[int | None] = []

    def guess() -> None:
        try:
            vault.unlock("parallel wrong guess")
        except WrongPassphrase as exc:
            outcomes.append(exc.remaining)
        except Exception as exc:  # after the wipe: no vault any more
            outcomes.append(-1 if type(exc).__name__ == "NoVault" else -2)

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not vault.exists()
    assert sorted(o for o in outcomes if o is not None and o >= 0)[:3] == [0, 1, 2]
    assert -2 not in outcomes


@pytest.mark.parametrize("damage", ["delete", "garble"])
def test_tampered_guard_makes_the_next_wrong_guess_wipe(
    vault: Vault, damage: str
) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_wipe_limit(10, passphrase=PASSPHRASE)
    if damage == "delete":
        vault.guard_path.unlink()
    else:
        vault.guard_path.write_bytes(b"\0" * 44)

    with pytest.raises(WrongPassphrase) as caught:
        vault.unlock("first wrong guess")

    assert caught.value.remaining == 0
    assert not vault.exists()


def test_right_passphrase_repairs_a_tampered_guard(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_wipe_limit(7, passphrase=PASSPHRASE)
    vault.guard_path.unlink()
    vault.unlock(PASSPHRASE).close()
    assert vault.wipe_limit() == 7
    with pytest.raises(WrongPassphrase) as caught:
        vault.unlock("wrong again")
    assert caught.value.remaining == 6


def test_guard_does_not_show_the_count_in_plaintext(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_wipe_limit(5, passphrase=PASSPHRASE)
    first = vault.guard_path.read_bytes()
    with pytest.raises(WrongPassphrase):
        vault.unlock("wrong guess here")
    second = vault.guard_path.read_bytes()
    assert len(first) == len(second) == 44
    assert bytes((5, 0)) not in first and bytes((5, 1)) not in second


def test_passphrase_checks_in_settings_count_toward_the_limit(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_wipe_limit(3, passphrase=PASSPHRASE)
    attempts = [
        lambda: vault.change_passphrase(old="wrong guess 1", new="whatever words"),
        lambda: vault.set_duress(passphrase="wrong guess 2", duress=DURESS),
        lambda: vault.has_duress(passphrase="wrong guess 3"),
    ]
    for attempt in attempts:
        with pytest.raises(WrongPassphrase):
            attempt()
    assert not vault.exists()


def test_duress_words_are_refused_in_settings(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    with pytest.raises(WrongPassphrase):
        vault.change_passphrase(old=DURESS, new="new words here")
    assert vault.has_duress(passphrase=PASSPHRASE)  # and nothing was wiped


@pytest.mark.parametrize("damage", ["delete", "empty"])
def test_missing_or_empty_database_is_reported_not_recreated(
    vault: Vault, damage: str
) -> None:
    store = vault.create(PASSPHRASE)
    store.save(make_contact())
    store.close()
    if damage == "delete":
        vault.db_path.unlink()
    else:
        vault.db_path.write_bytes(b"")

    with pytest.raises(VaultCorrupt):
        vault.unlock(PASSPHRASE)

    assert vault.db_path.exists() == (damage == "empty")
    if damage == "empty":
        assert vault.db_path.read_bytes() == b""


def test_create_after_an_interrupted_wipe_clears_the_leftovers(vault: Vault) -> None:
    store = vault.create(PASSPHRASE)
    store.save(make_contact(asks="left behind"))
    store.close()
    vault.secrets.clear()
    vault.keyfile_path.unlink()  # the wipe died here, database still on disk

    store = vault.create("starting over again")

    assert store.records(Contact) == []
    store.close()


def test_every_slot_changes_whatever_setting_changes(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    changes = [
        lambda: vault.change_passphrase(old=PASSPHRASE, new=PASSPHRASE),
        lambda: vault.set_duress(passphrase=PASSPHRASE, duress=DURESS),
        lambda: vault.clear_duress(passphrase=PASSPHRASE),
        lambda: vault.set_wipe_limit(4, passphrase=PASSPHRASE),
    ]
    for change in changes:
        before = slots_of(vault.keyfile_path)
        change()
        after = slots_of(vault.keyfile_path)
        assert all(b != a for b, a in zip(before, after, strict=True))


@pytest.mark.parametrize("with_duress", [False, True])
def test_passphrase_change_costs_the_same_with_or_without_duress(
    vault: Vault, monkeypatch: pytest.MonkeyPatch, with_duress: bool
) -> None:
    vault.create(PASSPHRASE).close()
    if with_duress:
        vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    calls: list[int] = []

    def counting(*args: object, **kwargs: object) -> bytes:
        calls.append(1)
        return real_stretch(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(vault_module, "stretch", counting)
    vault.change_passphrase(old=PASSPHRASE, new="another passphrase")
    assert len(calls) == 2


def test_passphrase_typed_with_decomposed_accents_still_opens(vault: Vault) -> None:
    composed = "café au lait crème"
    vault.create(unicodedata.normalize("NFC", composed)).close()
    vault.unlock(unicodedata.normalize("NFD", composed)).close()


def test_unencodable_passphrase_is_just_wrong(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        vault.unlock("broken \ud800 surrogate")


def test_duress_locks_every_open_session(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    first_tab = vault.unlock(PASSPHRASE)
    first_tab.save(make_contact())

    vault.unlock(DURESS).close()  # entered in a second tab

    with pytest.raises(StoreLocked):
        first_tab.records(Contact)


def test_concurrent_settings_changes_both_take_effect(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    errors: list[BaseException] = []

    def run(job):  # type: ignore[no-untyped-def]
        try:
            job()
        except BaseException as exc:
            errors.append(exc)

    jobs = [
        lambda: vault.set_duress(passphrase=PASSPHRASE, duress=DURESS),
        lambda: vault.set_wipe_limit(9, passphrase=PASSPHRASE),
    ]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert vault.has_duress(passphrase=PASSPHRASE)
    assert vault.wipe_limit() == 9
