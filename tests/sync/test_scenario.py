"""The coordination scenario through the real hub over HTTP.

Two field devices in different teams meet one armed group, one of them under
another spelling of its name, on the same issue; south records a staff-safety
flag. The coordinator syncs and reads the overview, the duplicate suggestion,
the merged actor's timeline and the alerts; it assigns a follow-up to south,
which reaches south's devices only, and a "before you go" note on the actor,
which each field device shows after its next sync (the hub never reads it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.readmodel import ReadModel
from app.services.actors import ActorService
from app.services.coordination import CoordinationService
from app.store import Store
from hub import tables
from hub.service import Hub
from models import Actor, Briefing, Contact, FollowUp
from models.enums import (
    ActorType,
    Approach,
    Level,
    ProtectionIssue,
    RiskFlag,
    Role,
)
from tests.hub.support import Device
from tests.sync.conftest import DeviceFactory

D = dt.date(2026, 3, 2)
DETENTION = ProtectionIssue.DETENTION


@dataclass
class Scenario:
    """The three devices, the two actor entries and the two contacts."""

    north: Device
    south: Device
    coord: Device
    service: CoordinationService
    named: Actor
    alias: Actor
    north_contact: Contact
    south_contact: Contact


def _service(store: Store) -> Iterator[CoordinationService]:
    model = ReadModel(store)
    model.build()
    try:
        yield CoordinationService(store, model, today=lambda: D)
    finally:
        model.close()


def _briefings(device: Device, actor: Actor) -> list[tuple[str, str]]:
    """What the device's actor page and forms show for ``actor``."""
    model = ReadModel(device.store)
    model.build()
    try:
        actors = ActorService(device.store, model)
        page = actors.page(str(actor.id))
        shown = [(n.team, n.text) for n in page.briefings]
        assert [(n.team, n.text) for n in actors.briefings(str(actor.id))] == shown
        return shown
    finally:
        model.close()


def _hub_text(hub: Hub) -> bytes:
    out = b""
    with hub.db.read() as conn:
        for table in (tables.reg_fields, tables.reg_losers, tables.reg_records):
            for row in conn.execute(select(table)):
                out += repr(tuple(row)).encode()
    return out


@pytest.fixture
def scenario(devices: DeviceFactory) -> Iterator[Scenario]:
    """Both field devices recorded and synced; the coordinator synced after."""
    north, south = devices("north1"), devices("south1", team="south")
    coord = devices("coord1", team="hq", role=Role.COORDINATOR)
    named = north.store.save(Actor(name="Jaish al-Mahdi", actor_type=ActorType.MILITIA))
    alias = south.store.save(Actor(name="Jaysh el Mahdy", actor_type=ActorType.MILITIA))
    south_contact = south.store.save(
        Contact(
            on=D,
            actor_id=alias.id,
            level=Level.SENIOR,
            issues=[DETENTION],
            approaches=[Approach.INTERNATIONAL_LAW],
            risks=[RiskFlag.STAFF_SAFETY],
        )
    )
    north_contact = north.store.save(
        Contact(
            on=D + dt.timedelta(days=4),
            actor_id=named.id,
            level=Level.LOCAL,
            issues=[DETENTION],
            approaches=[Approach.QUID_PRO_QUO],
        )
    )
    for device in (north, south, coord):
        device.sync()
    for service in _service(coord.store):
        yield Scenario(
            north,
            south,
            coord,
            service,
            named,
            alias,
            north_contact,
            south_contact,
        )


def test_coordinator_sees_each_teams_cell_and_the_duplicate(
    scenario: Scenario,
) -> None:
    view = scenario.service.overview()
    assert view.teams == ["north", "south"]
    north = view.cell(scenario.named.id, "north")
    south = view.cell(scenario.alias.id, "south")
    assert north is not None and south is not None
    assert (north.contacts, north.last, north.levels, north.issues) == (
        1,
        D + dt.timedelta(days=4),
        (Level.LOCAL,),
        (DETENTION,),
    )
    assert (south.contacts, south.last, south.levels, south.issues) == (
        1,
        D,
        (Level.SENIOR,),
        (DETENTION,),
    )
    (found,) = scenario.service.duplicates()
    assert {found.first, found.second} == {scenario.named.id, scenario.alias.id}
    assert set(found.names) == {"Jaish al-Mahdi", "Jaysh el Mahdy"}
    # Two entries, no alert yet: nothing ties the two teams' contacts together.
    assert scenario.service.alerts() == []


def test_after_the_merge_one_timeline_and_alerts_that_say_why(
    scenario: Scenario,
) -> None:
    s = scenario
    kept = s.service.merge(keep=str(s.named.id), drop=str(s.alias.id))
    assert kept == str(s.named.id)
    view = s.service.overview()
    assert [h.name for h in view.actors] == ["Jaish al-Mahdi"]
    for team in ("north", "south"):
        cell = view.cell(s.named.id, team)
        assert cell is not None and cell.contacts == 1
    profile = s.service.profile(str(s.named.id))
    assert [(m.id, m.team, m.safety) for m in profile.timeline] == [
        (s.north_contact.id, "north", False),
        (s.south_contact.id, "south", True),
    ]
    assert profile.aliases == ("Jaysh el Mahdy",)
    assert profile.teams == ("north", "south")
    alerts = {a.rule: a for a in s.service.alerts()}
    assert set(alerts) == {"overlap", "contradiction", "after_safety", "levels"}
    both = {s.north_contact.id, s.south_contact.id}
    for alert in alerts.values():
        assert alert.actor == s.named.id
        assert alert.teams == ("north", "south")
        assert set(alert.records) == both
    assert alerts["overlap"].issue == DETENTION.value
    assert alerts["contradiction"].issue == DETENTION.value
    assert alerts["contradiction"].first_team == "north"  # the one that traded
    assert alerts["after_safety"].first_team == "south"  # the one that flagged
    assert alerts["levels"].levels == ("local", "senior")


def test_the_merge_reaches_the_field_devices(scenario: Scenario) -> None:
    s = scenario
    s.service.merge(keep=str(s.named.id), drop=str(s.alias.id))
    s.coord.sync()
    for device in (s.north, s.south):
        device.sync()
        by_id = {a.id: a for a in device.store.records(Actor)}
        assert by_id[s.alias.id].merged_into == s.named.id
        assert by_id[s.named.id].aliases == ["Jaysh el Mahdy"]


def test_a_follow_up_the_coordinator_assigns_reaches_that_team_only(
    scenario: Scenario,
) -> None:
    s = scenario
    assert s.service.field_teams() == ["north", "south"]
    task_id = s.service.assign(
        actor_id=str(s.named.id),
        team="south",
        title="Ask about the detained drivers",
        due="2026-03-20",
    )
    (task,) = [f for f in s.coord.store.records(FollowUp) if str(f.id) == task_id]
    s.coord.sync()
    s.north.sync()
    s.south.sync()
    assert [
        (f.id, f.title, f.actor_id, f.team) for f in s.south.store.records(FollowUp)
    ] == [(task.id, task.title, s.named.id, "south")]
    assert s.north.store.records(FollowUp) == []


def test_a_follow_up_goes_only_to_a_known_team_with_a_title(
    scenario: Scenario,
) -> None:
    with pytest.raises(ValidationFailed) as err:
        scenario.service.assign(
            actor_id=str(scenario.named.id), team="west", title=" ", due="soon"
        )
    assert err.value.fields == {
        "team": "bad_choice",
        "title": "required",
        "due": "bad_date",
    }


def test_before_you_go_note_reaches_every_field_team_sealed(
    scenario: Scenario, hub: Hub
) -> None:
    s = scenario
    s.service.merge(keep=str(s.named.id), drop=str(s.alias.id))
    marker = f"M{uuid.uuid4().hex[:12]}"
    text = f"South was threatened on 2 March. Do not offer anything in return. {marker}"
    assert s.service.brief(actor_id=str(s.named.id), text=text) == ["north", "south"]
    assert s.service.briefing(str(s.alias.id)) == text
    for device in (s.north, s.south):  # before their next sync: nothing yet
        assert _briefings(device, s.named) == []
    s.coord.sync()
    for device in (s.north, s.south):
        device.sync()
    assert _briefings(s.north, s.named) == [("north", text)]
    # South picked the group under its alias: the note follows the merge.
    assert _briefings(s.south, s.alias) == [("south", text)]
    assert marker.encode() not in _hub_text(hub)
    # A new text replaces the note; an empty one withdraws it.
    s.service.brief(actor_id=str(s.named.id), text="Talks resumed.")
    s.coord.sync()
    s.north.sync()
    assert _briefings(s.north, s.named) == [("north", "Talks resumed.")]
    s.service.brief(actor_id=str(s.named.id), text="")
    s.coord.sync()
    s.north.sync()
    assert _briefings(s.north, s.named) == []
    assert len(s.north.store.records(Briefing)) == 1


def test_a_briefing_written_by_a_field_device_is_never_shown(
    devices: DeviceFactory,
) -> None:
    north, north2 = devices("n1"), devices("n2")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    actor = north.store.save(Actor(name="Brigade 7"))
    north2.sync()
    north.store.save(Briefing(actor_id=actor.id, team="north", text="forged"))
    north.sync()
    report = north2.engine.run_once()
    assert north2.store.records(Briefing) == [] and report.unreadable == 1
    coord.sync()
    assert coord.store.records(Briefing) == []


def test_only_a_coordinator_sends_a_briefing(devices: DeviceFactory) -> None:
    north = devices("n1")
    actor = north.store.save(Actor(name="Brigade 7"))
    for service in _service(north.store):
        with pytest.raises(ValidationFailed) as err:
            service.brief(actor_id=str(actor.id), text="go around")
        assert err.value.fields == {"brief": "coordinator_only"}
        with pytest.raises(ValidationFailed) as err:
            service.assign(actor_id=str(actor.id), team="north", title="x")
        assert err.value.fields == {"assign": "coordinator_only"}
