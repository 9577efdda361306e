"""Per-record send status: waiting, sent at, refused with why; what Home counts."""

from __future__ import annotations

import datetime as dt
import uuid

from app.services import ActorForm, ContactForm, SendState, Services
from app.sync.refusals import REFUSED_META
from app.sync.retention import ACKED_META

SENT_MS = 1_780_000_000_000


def _contact(services: Services) -> str:
    return services.contacts.save(ContactForm(on="2026-11-30", notes="Water point"))


def _ack_everything(services: Services) -> None:
    store = services._store
    sealed = {str(r.id): SENT_MS for r in store.pending() if r.kind.value == "contact"}
    store.ack([r.rev for r in store.pending()], state={ACKED_META: sealed})


def test_a_new_record_waits_and_is_listed_in_the_outbox(services: Services) -> None:
    contact = _contact(services)
    services.places.find_or_create("North gate")
    services.actors.save(ActorForm(name="Northern Brigade"))
    assert services.outbox.status(contact).state is SendState.WAITING
    assert [str(r.id) for r in services.outbox.waiting()] == [contact]
    assert services.outbox.waiting_registry() == 2


def test_home_counts_waiting_records_not_places_or_actors(services: Services) -> None:
    _contact(services)
    services.places.find_or_create("North gate")
    services.actors.save(ActorForm(name="Northern Brigade"))
    assert services.records.home().pending_count == 1


def test_an_acknowledged_record_says_when_it_was_sent(services: Services) -> None:
    contact = _contact(services)
    _ack_everything(services)
    state = services.outbox.status(contact)
    assert state.state is SendState.SENT
    assert state.at == dt.datetime.fromtimestamp(SENT_MS / 1000, dt.UTC)
    assert services.outbox.waiting() == []
    assert services.records.home().pending_count == 0


def test_a_refused_record_says_which_field_and_why(services: Services) -> None:
    actor = services.actors.save(ActorForm(name="Northern Brigade"))
    _ack_everything(services)
    services._store.set_meta(
        REFUSED_META,
        {
            uuid.UUID(actor).hex: {
                "kind": "actor",
                "field": "name",
                "code": "needs_coordinator",
                "at": SENT_MS,
            }
        },
    )
    state = services.outbox.status(actor)
    assert (state.state, state.field, state.code) == (
        SendState.REFUSED,
        "name",
        "needs_coordinator",
    )
    services.actors.save(ActorForm(id=actor, name="Northern Brigade (north)"))
    assert services.outbox.status(actor).state is SendState.WAITING
