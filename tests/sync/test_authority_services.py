"""The app checks the shared write rules before saving: a change the hub and the
other devices would refuse raises ``NotAllowed`` and says so in plain words."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator

import pytest

from app.errors import NotAllowed
from app.readmodel import ReadModel
from app.services.actors import ActorService
from app.services.contacts import ContactService
from app.services.records import RecordService
from app.ui.messages import describe
from models import Actor, Contact
from models.enums import Role
from tests.hub.support import Device
from tests.sync.conftest import DeviceFactory


@pytest.fixture
def south(devices: DeviceFactory) -> Iterator[tuple[Device, ReadModel, Actor, Contact]]:
    """South's phone holding north's actor and (as if leaked) north's contact."""
    north = devices("n1")
    actor = north.store.save(Actor(name="Brigade 7"))
    contact = north.store.save(Contact(on=datetime.date(2024, 5, 1), notes="north"))
    north.sync()
    phone = devices("s1", team="south")
    phone.sync()
    phone.store.apply_remote([contact])
    model = ReadModel(phone.store)
    model.build()
    yield phone, model, actor, contact
    model.close()


def test_renaming_another_teams_actor_is_not_allowed_with_a_plain_message(
    south: tuple[Device, ReadModel, Actor, Contact],
) -> None:
    phone, model, actor, _ = south
    service = ActorService(phone.store, model)
    form = dataclasses.replace(service.form(str(actor.id)), name="Renamed")
    with pytest.raises(NotAllowed) as caught:
        service.save(form)
    assert caught.value.reason == "needs_coordinator"
    assert "coordinator" in describe(caught.value)
    assert [a.name for a in phone.store.records(Actor)] == ["Brigade 7"]


def test_editing_details_of_another_teams_actor_is_allowed(
    south: tuple[Device, ReadModel, Actor, Contact],
) -> None:
    phone, model, actor, _ = south
    service = ActorService(phone.store, model)
    service.save(dataclasses.replace(service.form(str(actor.id)), area="Ridge"))
    assert [a.area for a in phone.store.records(Actor)] == ["Ridge"]


def test_deleting_another_teams_actor_or_contact_is_not_allowed(
    south: tuple[Device, ReadModel, Actor, Contact],
) -> None:
    phone, model, actor, contact = south
    records = RecordService(phone.store, model)
    with pytest.raises(NotAllowed) as caught:
        records.delete(str(actor.id))
    assert caught.value.reason == "needs_coordinator"
    with pytest.raises(NotAllowed) as caught:
        records.delete(str(contact.id))
    assert caught.value.reason == "not_owner"
    assert describe(caught.value) == "This record belongs to another team."
    assert not any(r.deleted for r in phone.store.records(Actor))


def test_editing_another_teams_contact_is_not_allowed(
    south: tuple[Device, ReadModel, Actor, Contact],
) -> None:
    phone, model, _, contact = south
    with pytest.raises(NotAllowed):
        ContactService(phone.store, model).mark_done(str(contact.id))


def test_a_coordinator_may_rename_and_delete_any_teams_actor(
    devices: DeviceFactory,
) -> None:
    north = devices("n1")
    actor = north.store.save(Actor(name="Brigade 7"))
    north.sync()
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    coord.sync()
    model = ReadModel(coord.store)
    model.build()
    try:
        service = ActorService(coord.store, model)
        service.save(dataclasses.replace(service.form(str(actor.id)), name="7th"))
        RecordService(coord.store, model).delete(str(actor.id))
    finally:
        model.close()
    entry = coord.store.get(actor.id)
    assert entry is not None
    assert (entry.record.name, entry.record.deleted) == ("7th", True)
