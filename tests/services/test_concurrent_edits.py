"""Two forms opened on one record: the later save never silently erases the other."""

from __future__ import annotations

import dataclasses
import uuid

from app.services import ContactForm, Services
from app.services.checkpoints import CheckpointForm
from models.enums import CheckpointOutcome


def new_contact(services: Services) -> str:
    form = services.contacts.new_form()
    return services.contacts.save(dataclasses.replace(form, asks="first words"))


def test_two_forms_on_one_contact_end_in_a_visible_conflict(services: Services) -> None:
    contact_id = new_contact(services)
    tab_one: ContactForm = services.contacts.form(contact_id)
    tab_two: ContactForm = services.contacts.form(contact_id)

    services.contacts.save(dataclasses.replace(tab_one, asks="tab one words"))
    services.contacts.save(dataclasses.replace(tab_two, asks="tab two words"))

    store = services._store
    entry = store.get(uuid.UUID(contact_id))
    assert entry is not None and entry.conflict
    texts = {r.asks for r in store.history(entry.record.id)}  # type: ignore[attr-defined]
    assert {"tab one words", "tab two words"} <= texts


def test_editing_a_conflicted_contact_resolves_it(services: Services) -> None:
    contact_id = new_contact(services)
    first = services.contacts.form(contact_id)
    second = services.contacts.form(contact_id)
    services.contacts.save(dataclasses.replace(first, asks="one"))
    services.contacts.save(dataclasses.replace(second, asks="two"))

    merged = services.contacts.form(contact_id)  # opened on both heads
    services.contacts.save(dataclasses.replace(merged, asks="agreed text"))

    entry = services._store.get(uuid.UUID(contact_id))
    assert entry is not None and not entry.conflict
    assert entry.record.asks == "agreed text"  # type: ignore[attr-defined]


def test_two_forms_on_one_checkpoint_log_end_in_a_visible_conflict(
    services: Services,
) -> None:
    form = services.checkpoints.new_form()
    log_id = services.checkpoints.save(
        dataclasses.replace(form, outcome=CheckpointOutcome.DELAYED.value)
    )
    one: CheckpointForm = services.checkpoints.form(log_id)
    two: CheckpointForm = services.checkpoints.form(log_id)
    services.checkpoints.save(dataclasses.replace(one, notes="first note"))
    services.checkpoints.save(dataclasses.replace(two, notes="second note"))

    entry = services._store.get(uuid.UUID(log_id))
    assert entry is not None and entry.conflict


def test_a_form_restored_from_an_old_draft_without_seen_still_saves(
    services: Services,
) -> None:
    contact_id = new_contact(services)
    form = dataclasses.replace(services.contacts.form(contact_id), seen="", asks="x y")
    services.contacts.save(form)
    entry = services._store.get(uuid.UUID(contact_id))
    assert entry is not None and not entry.conflict
