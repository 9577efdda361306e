"""A vault on a small file system that fills up: refuse clearly, lose nothing.

The vault lives on a real 4 MiB tmpfs. Once every byte is taken, saving fails with
DiskFull (the "storage full" message), what was saved before is intact and still
opens, locking and unlocking still work, and after space is freed saving works
again, with no other step.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import DiskFull
from app.services import ContactForm, DraftService, open_services
from app.store import FileSecrets, Vault
from app.ui.messages import describe
from models import Actor, Contact
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.factories import make_actor, make_contact
from tests.fullfs import Filler, small_fs


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Path]:
    with small_fs(tmp_path / "fs") as mount:
        yield mount


def vault_on(root: Path) -> Vault:
    secrets = FileSecrets(root / "device" / "s.bin")
    secrets.ensure()
    return Vault(root / "vault", secrets=secrets, kdf=FAST_KDF)


def test_a_full_disk_refuses_saves_keeps_everything_and_recovers(tiny: Path) -> None:
    vault = vault_on(tiny)
    store = vault.create(PASSPHRASE)
    kept = store.save_many([make_contact(asks=f"kept {i}") for i in range(30)])
    filler = Filler(tiny)
    filler.fill()

    with pytest.raises(DiskFull) as caught:
        for i in range(400):  # until a page or the WAL needs one more block
            store.save(make_contact(asks=f"too many {i} " + "x" * 2000))
    assert "storage full" in describe(caught.value).lower()
    assert {c.id for c in kept} <= {c.id for c in store.records(Contact)}
    store.close()  # locking on a full disk works

    store = vault.unlock(PASSPHRASE)  # and so does unlocking
    found = {c.id: c for c in store.records(Contact)}
    assert all(found[c.id] == c for c in kept)
    with pytest.raises(DiskFull):
        store.save(make_actor(name="still no room"))

    filler.free()
    saved = store.save(make_actor(name="room again"))
    assert [a.id for a in store.records(Actor)] == [saved.id]
    store.close()
    again = vault.unlock(PASSPHRASE)
    assert {c.id for c in kept} <= {c.id for c in again.records(Contact)}
    again.close()


def test_settings_changes_on_a_full_disk_change_nothing(tiny: Path) -> None:
    vault = vault_on(tiny)
    vault.create(PASSPHRASE).close()
    filler = Filler(tiny)
    filler.fill()

    with pytest.raises(DiskFull):  # the guard file is the one new file it needs
        vault.set_wipe_limit(5, passphrase=PASSPHRASE)
    filler.free()
    vault.unlock(PASSPHRASE).close()  # the key file still opens

    vault.change_passphrase(old=PASSPHRASE, new="another passphrase")
    vault.unlock("another passphrase").close()


def test_services_keep_the_draft_when_the_save_is_refused(tiny: Path) -> None:
    vault = vault_on(tiny)
    services = open_services(vault.create(PASSPHRASE), vault)
    drafts: DraftService = services.drafts
    typed = {"asks": "Open the north road", "on": "2024-05-31"}
    drafts.save(key="contact:new", route="/contact/new", form="contact", values=typed)
    filler = Filler(tiny)
    filler.fill()

    form = ContactForm(
        on="2024-05-31",
        methods=["direct_dialogue"],
        asks="Open the north road " + "y" * 900,
        notes="z" * 900,
    )
    with pytest.raises(DiskFull):
        for _ in range(400):
            services.contacts.save(form)
    draft = drafts.get("contact:new")
    assert draft is not None and draft.values == typed

    filler.free()
    services.contacts.save(form)
    services.close()


def test_duress_on_a_full_disk_still_opens_the_decoy(tiny: Path) -> None:
    from app.errors import WrongPassphrase

    vault = vault_on(tiny)
    store = vault.create(PASSPHRASE)
    store.save_many([make_contact(asks=f"real {i} " + "r" * 500) for i in range(40)])
    store.close()
    vault.set_duress(passphrase=PASSPHRASE, duress="tired old donkey")
    Filler(tiny).fill()

    decoy = vault.unlock("tired old donkey")  # the old database makes the room

    assert decoy.records(Contact) == []
    decoy.close()
    Vault.settle()
    with pytest.raises(WrongPassphrase):
        vault.unlock(PASSPHRASE)
