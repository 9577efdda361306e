"""The coordination scenario through the real hub over HTTP.

Two field devices in different teams meet one armed group, one of them under
another spelling of its name, on the same issue; south records a staff-safety
flag. The coordinator syncs and reads the overview, the duplicate suggestion,
the merged actor's timeline and the alerts; it assigns a follow-up to south,
which reaches south's devices only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from app.readmodel import ReadModel
from app.services.coordination import CoordinationService
from app.store import Store
from models import Actor, Contact, FollowUp
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
    task = s.coord.store.save(
        FollowUp(
            actor_id=s.named.id, title="Ask about the detained drivers", team="south"
        )
    )
    s.coord.sync()
    s.north.sync()
    s.south.sync()
    assert [
        (f.id, f.title, f.actor_id, f.team) for f in s.south.store.records(FollowUp)
    ] == [(task.id, task.title, s.named.id, "south")]
    assert s.north.store.records(FollowUp) == []
