"""Follow-ups and registry notes travel sealed to a team and the coordinators."""

from __future__ import annotations

import datetime
import uuid

from app.sync.private import team_values_meta
from hub.service import Hub
from models import Actor, Contact, FollowUp
from models.enums import Role, Stance
from tests.sync.conftest import DeviceFactory


def _hub_text(hub: Hub) -> bytes:
    from sqlalchemy import select

    from hub import tables

    out = b""
    with hub.db.read() as conn:
        for table in (tables.reg_fields, tables.reg_losers, tables.reg_records):
            for row in conn.execute(select(table)):
                out += repr(tuple(row)).encode()
    return out


def test_follow_up_reaches_its_team_and_coordinators_and_not_the_hub_or_south(
    hub: Hub, devices: DeviceFactory
) -> None:
    north, north2 = devices("n1"), devices("n2")
    south = devices("s1", team="south")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    for device in (north2, south, coord):
        device.sync()
    marker = f"M{uuid.uuid4().hex[:12]}"
    contact = north.store.save(Contact(on=datetime.date(2024, 5, 1)))
    task = north.store.save(
        FollowUp(
            contact_id=contact.id,
            title=f"{marker} title",
            notes=f"{marker} notes",
            status="open",
        )
    )
    north.sync()
    for device in (north2, south, coord):
        device.sync()
    for device in (north2, coord):
        got = device.store.records(FollowUp)
        assert [(f.title, f.notes, f.contact_id) for f in got] == [
            (task.title, task.notes, contact.id)
        ]
        assert got[0].team == "north"
    assert south.store.records(FollowUp) == []
    assert marker.encode() not in _hub_text(hub)


def test_each_teams_notes_on_an_actor_stay_with_that_team(
    hub: Hub, devices: DeviceFactory
) -> None:
    north, south = devices("n1"), devices("s1", team="south")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    actor = north.store.save(Actor(name="Brigade 7", notes="north: tense"))
    north.sync()
    south.sync()
    seen = south.store.records(Actor)[0]
    assert seen.name == "Brigade 7" and seen.notes == ""
    south.store.save(
        seen.model_copy(update={"notes": "south: calm", "stance": Stance.NEUTRAL})
    )
    south.sync()
    north.sync()
    coord.sync()
    assert north.store.records(Actor)[0].notes == "north: tense"
    assert north.store.records(Actor)[0].stance is None
    assert south.store.records(Actor)[0].notes == "south: calm"
    teams = coord.store.get_meta(team_values_meta(actor.id))
    assert {team: values["notes"] for team, values in teams} == {
        "north": "north: tense",
        "south": "south: calm",
    }
    text = _hub_text(hub)
    assert b"tense" not in text and b"calm" not in text and b"Brigade 7" in text
