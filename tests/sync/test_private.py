"""Follow-ups and registry notes travel sealed to a team and the coordinators."""

from __future__ import annotations

import datetime
import uuid

from sqlalchemy import select, update

from app.services.synced import other_teams_values
from app.sync.private import team_values_meta
from hub import tables
from hub.service import Hub
from models import Actor, Contact, FollowUp
from models.enums import FollowUpStatus, Role, Stance
from models.wire.private import team_cell
from tests.sync.conftest import DeviceFactory


def _hub_text(hub: Hub) -> bytes:
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
            status=FollowUpStatus.OPEN,
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


def test_coordinator_assigns_a_follow_up_to_another_team(
    devices: DeviceFactory,
) -> None:
    north, south = devices("n1"), devices("s1", team="south")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    for device in (north, south):
        device.sync()
    task = coord.store.save(FollowUp(title="Escort the convoy", team="south"))
    coord.sync()
    north.sync()
    south.sync()
    assert [(f.title, f.team) for f in south.store.records(FollowUp)] == [
        ("Escort the convoy", "south")
    ]
    assert north.store.records(FollowUp) == []
    # South marks it done: the coordinator reads the new status.
    (mine,) = south.store.records(FollowUp)
    south.store.save(mine.model_copy(update={"status": FollowUpStatus.DONE}))
    south.sync()
    coord.sync()
    (seen,) = [f for f in coord.store.records(FollowUp) if f.id == task.id]
    assert seen.status is FollowUpStatus.DONE


def test_coordinator_reads_each_teams_notes_a_field_device_only_its_own(
    devices: DeviceFactory,
) -> None:
    north, south = devices("n1"), devices("s1", team="south")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    actor = north.store.save(Actor(name="Brigade 7", stance=Stance.HOSTILE))
    north.sync()
    south.sync()
    south.store.save(
        south.store.records(Actor)[0].model_copy(update={"notes": "calm today"})
    )
    south.sync()
    coord.sync()
    north.sync()
    found = {t.team: t.values for t in other_teams_values(coord.store, actor.id)}
    assert found["north"]["stance"] == "hostile"
    assert found["south"]["notes"] == "calm today"
    assert other_teams_values(north.store, actor.id) == []
    assert north.store.records(Actor)[0].stance is Stance.HOSTILE


def test_follow_up_sealed_by_another_teams_device_is_never_shown(
    devices: DeviceFactory,
) -> None:
    north, south = devices("n1"), devices("s1", team="south")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    north.sync()
    south.store.save(FollowUp(title="forged for north", team="north"))
    south.sync()
    report = coord.engine.run_once()
    north.sync()
    assert coord.store.records(FollowUp) == [] and north.store.records(FollowUp) == []
    assert report.unreadable == 1


def test_notes_a_hub_moves_into_another_teams_cell_are_dropped(
    hub: Hub, devices: DeviceFactory
) -> None:
    north = devices("n1")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    actor = north.store.save(Actor(name="Brigade 7", notes="north only"))
    north.sync()
    with hub.db.write() as conn:  # a hub relabelling north's notes as south's
        conn.execute(
            update(tables.reg_fields)
            .where(tables.reg_fields.c.field == team_cell("north"))
            .values(field=team_cell("south"))
        )
    coord.sync()
    assert other_teams_values(coord.store, actor.id) == []
