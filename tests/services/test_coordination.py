"""Coordination services: overview, profile, merge, alerts, access report."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import RecordNotFound, ValidationFailed
from app.services import Services
from app.services.coordination import (
    AlertSettings,
    CoordinationService,
    OverviewFilter,
)
from models import Actor, Commitment, Place
from models.enums import (
    AccessConstraint,
    ActorType,
    Approach,
    CheckpointOutcome,
    Compliance,
    ContactStatus,
    Level,
    Method,
    ProtectionIssue,
    RiskFlag,
)
from tests.coordination_data import actor, contact, crossing, enroll_as

D = dt.date(2026, 3, 2)
DETENTION = ProtectionIssue.DETENTION
ACCESS = ProtectionIssue.HUMANITARIAN_ACCESS


def _service(services: Services) -> CoordinationService:
    assert services.wait_ready(10)
    return CoordinationService(services._store, services._model, today=lambda: D)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


# -- overview ---------------------------------------------------------------------


def test_overview_counts_contacts_per_actor_and_team(services: Services) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7", actor_type=ActorType.STATE_FORCES)
    militia = actor(store, "Hill militia", actor_type=ActorType.MILITIA)
    contact(store, "north", D, brigade, level=Level.LOCAL, issues=[DETENTION])
    contact(store, "north", D + dt.timedelta(3), brigade, level=Level.MID)
    contact(store, "south", D + dt.timedelta(1), brigade, issues=[ACCESS])
    contact(store, "south", D, militia, methods=[Method.INDIRECT])
    contact(store, "south", D + dt.timedelta(9), militia, status=ContactStatus.PLANNED)
    view = _service(services).overview()
    assert [h.name for h in view.actors] == ["Brigade 7", "Hill militia"]
    assert view.teams == ["north", "south"]
    north = view.cell(brigade.id, "north")
    assert north is not None
    assert (north.contacts, north.last) == (2, D + dt.timedelta(3))
    assert north.levels == (Level.LOCAL, Level.MID)
    assert north.issues == (DETENTION,)
    militia_cell = view.cell(militia.id, "south")
    assert militia_cell is not None and militia_cell.contacts == 1  # planned left out
    assert view.cell(militia.id, "north") is None
    assert view.contacts == 4


def test_overview_filters_by_period_type_issue_and_method(
    services: Services,
) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7", actor_type=ActorType.STATE_FORCES)
    militia = actor(store, "Hill militia", actor_type=ActorType.MILITIA)
    contact(store, "north", D, brigade, issues=[DETENTION])
    contact(store, "north", D + dt.timedelta(40), brigade, issues=[ACCESS])
    contact(store, "south", D, militia, methods=[Method.INDIRECT])
    coord = _service(services)
    assert coord.overview(OverviewFilter(end=D + dt.timedelta(1))).contacts == 2
    typed = coord.overview(OverviewFilter(actor_type=ActorType.MILITIA))
    assert [h.name for h in typed.actors] == ["Hill militia"]
    assert coord.overview(OverviewFilter(issue=ACCESS)).contacts == 1
    assert coord.overview(OverviewFilter(method=Method.INDIRECT)).contacts == 1


def test_a_cell_opens_on_the_contacts_behind_it_newest_first(
    services: Services,
) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7")
    first = contact(store, "north", D, brigade)
    second = contact(store, "north", D + dt.timedelta(2), brigade)
    contact(store, "south", D, brigade)
    rows = _service(services).cell_rows(str(brigade.id), "north")
    assert [r.id for r in rows] == [second.id, first.id]


def test_the_overview_follows_new_records(services: Services) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7")
    contact(store, "north", D, brigade)
    coord = _service(services)
    assert coord.overview().contacts == 1
    contact(store, "north", D, brigade)
    assert coord.overview().contacts == 2


def test_contacts_per_month_and_checkpoint_delays_feed_the_charts(
    services: Services,
) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7")
    contact(store, "north", dt.date(2026, 1, 5), brigade)
    contact(store, "north", dt.date(2026, 2, 5), brigade)
    contact(store, "south", dt.date(2026, 2, 9), brigade)
    for delay in (30, 90):
        crossing(
            store,
            "north",
            _at(dt.date(2026, 2, 3)),
            brigade,
            CheckpointOutcome.DELAYED,
            delay_minutes=delay,
            constraint=AccessConstraint.MOVEMENT_RESTRICTION,
        )
    coord = _service(services)
    per_month = [(m.month, m.value) for m in coord.overview().per_month]
    assert per_month == [("2026-01", 1.0), ("2026-02", 2.0)]
    delays = {(m.series, m.month): m.value for m in coord.delays()}
    assert delays == {("delay", "2026-02"): 60.0, ("hindered", "2026-02"): 2.0}


# -- actor profile ----------------------------------------------------------------


def test_a_profile_shows_the_actor_across_teams(services: Services) -> None:
    store = services._store
    parent = actor(store, "Army")
    brigade = actor(
        store, "Brigade 7", aliases=["7th"], parent_id=parent.id, area="Hills"
    )
    talk = contact(
        store,
        "north",
        D,
        brigade,
        level=Level.LOCAL,
        methods=[Method.DIRECT_DIALOGUE],
        approaches=[Approach.INTERNATIONAL_LAW],
        commitments=[
            Commitment(text="free the drivers", compliance=Compliance.KEPT),
            Commitment(text="open the road", due=D - dt.timedelta(1)),
        ],
    )
    contact(
        store,
        "south",
        D + dt.timedelta(1),
        brigade,
        level=Level.SENIOR,
        methods=[Method.DIRECT_DIALOGUE],
        commitments=[Commitment(text="no arrests", compliance=Compliance.BROKEN)],
    )
    log = crossing(
        store,
        "south",
        _at(D + dt.timedelta(2)),
        brigade,
        CheckpointOutcome.DELAYED,
        delay_minutes=45,
        demands="papers",
        constraint=AccessConstraint.MOVEMENT_RESTRICTION,
    )
    crossing(store, "north", _at(D), brigade, CheckpointOutcome.PASSED)
    profile = _service(services).profile(str(brigade.id))
    assert (profile.parent_name, profile.aliases) == ("Army", ("7th",))
    assert profile.teams == ("north", "south")
    assert profile.timeline[0].id == log.id
    assert talk.id in [m.id for m in profile.timeline]
    dialogue = next(t for t in profile.tried if t.code == "direct_dialogue")
    assert (dialogue.contacts, dialogue.commitments) == (2, 3)
    assert (dialogue.kept, dialogue.broken) == (1, 1)
    states = {c.text: c.state for c in profile.commitments}
    assert states == {
        "free the drivers": "kept",
        "open the road": "overdue",
        "no arrests": "broken",
    }
    pattern = profile.checkpoints
    assert (pattern.crossings, pattern.free, pattern.delayed) == (2, 1, 1)
    assert (pattern.median_delay, pattern.with_demands) == (45, 1)
    assert pattern.constraints == (("movement_restriction", 1),)
    assert profile.levels == {"north": ("local",), "south": ("senior",)}


def test_a_profile_of_an_unknown_actor_is_not_found(services: Services) -> None:
    with pytest.raises(RecordNotFound):
        _service(services).profile("0" * 32)


# -- duplicates and merge ---------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other", "strength"),
    [
        ("Brigade 7", "BRIGADE 7", "spelling"),
        ("Forces Armées", "forces armees", "spelling"),
        ("جَيْشُ المَهْدِي", "جيش المهدي", "spelling"),
        ("أحمد", "احمد", "spelling"),
        ("مصطفى", "مصطفي", "spelling"),
        ("Jaish al-Mahdi", "Jaysh el Mahdy", "sound"),
        ("Jaish al-Mahdi", "جيش المهدي", "sound"),
        ("Mohammed Brigade", "Muhammad Brigade", "sound"),
        ("Ash-Shabaab", "al-Shabab", "sound"),
    ],
)
def test_duplicates_are_suggested_across_spellings(
    services: Services, one: str, other: str, strength: str
) -> None:
    store = services._store
    a = actor(store, one)
    b = actor(store, "Someone else", aliases=[other])
    found = _service(services).duplicates()
    assert len(found) == 1
    assert {found[0].first, found[0].second} == {a.id, b.id}
    assert set(found[0].names) == {one, other}
    assert found[0].strength == strength


@pytest.mark.parametrize(
    ("one", "other"),
    [("Brigade 7", "Brigade 9"), ("Hill militia", "Hill police"), ("Hamas", "Hama")],
)
def test_different_names_are_not_suggested(
    services: Services, one: str, other: str
) -> None:
    actor(services._store, one)
    actor(services._store, other)
    assert _service(services).duplicates() == []


def test_a_coordinator_merges_a_duplicate_and_its_records_follow(
    services: Services,
) -> None:
    store = services._store
    enroll_as(store, "coordinator")
    keep = actor(store, "Jaish al-Mahdi")
    drop = actor(store, "Jaysh el Mahdy", aliases=["JAM"])
    contact(store, "north", D, keep, issues=[DETENTION])
    other = contact(store, "south", D, drop, issues=[DETENTION])
    coord = _service(services)
    assert len(coord.duplicates()) == 1
    coord.merge(keep=str(keep.id), drop=str(drop.id))
    assert coord.duplicates() == []
    merged = services._model.record(Actor, drop.id)
    assert merged is not None and merged.merged_into == keep.id
    profile = coord.profile(str(drop.id))  # the old id opens the survivor
    assert profile.actor.id == keep.id
    assert set(profile.aliases) >= {"Jaysh el Mahdy", "JAM"}
    assert other.id in [m.id for m in profile.timeline]
    cell = coord.overview().cell(keep.id, "south")
    assert cell is not None and cell.contacts == 1
    assert [a.rule for a in coord.alerts()] == ["overlap"]
    pending = {r.id for r in store.pending()}
    assert {keep.id, drop.id} <= pending  # both saves go to the hub's registry


def test_a_merged_away_actor_leaves_the_pickers_but_not_the_records_filter(
    services: Services,
) -> None:
    store = services._store
    enroll_as(store, "coordinator")
    keep = actor(store, "Jaish al-Mahdi")
    drop = actor(store, "Jaysh el Mahdy")
    contact(store, "south", D, drop, issues=[DETENTION])
    _service(services).merge(keep=str(keep.id), drop=str(drop.id))
    picked = services.actors.options()
    assert [o.id for o in picked] == [str(keep.id)]
    assert "Jaysh el Mahdy" in picked[0].aliases  # typing the old name finds it
    quick = services.checkpoints.quick_choices()
    assert str(drop.id) not in [o.id for o in quick.actors]
    assert str(drop.id) in [o.id for o in services.actors.options(merged=True)]


def test_only_a_coordinator_may_merge(services: Services) -> None:
    store = services._store
    enroll_as(store, "field")
    a, b = actor(store, "Brigade 7"), actor(store, "BRIGADE 7")
    with pytest.raises(ValidationFailed) as err:
        _service(services).merge(keep=str(a.id), drop=str(b.id))
    assert err.value.fields == {"merge": "coordinator_only"}


def test_merge_refuses_the_same_actor_or_a_merged_one(services: Services) -> None:
    store = services._store
    enroll_as(store, "coordinator")
    a, b, c = (actor(store, n) for n in ("A group", "A Group", "a group"))
    coord = _service(services)
    with pytest.raises(ValidationFailed):
        coord.merge(keep=str(a.id), drop=str(a.id))
    coord.merge(keep=str(a.id), drop=str(b.id))
    with pytest.raises(ValidationFailed) as err:
        coord.merge(keep=str(c.id), drop=str(b.id))
    assert err.value.fields == {"merge": "already_merged"}


# -- alerts -----------------------------------------------------------------------


def test_two_teams_on_one_issue_within_the_window_raise_an_overlap(
    services: Services,
) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7")
    a = contact(store, "north", D, brigade, issues=[DETENTION])
    b = contact(store, "south", D + dt.timedelta(10), brigade, issues=[DETENTION])
    contact(store, "east", D + dt.timedelta(90), brigade, issues=[DETENTION])
    contact(store, "north", D + dt.timedelta(5), brigade, issues=[ACCESS])
    alerts = _service(services).alerts()
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert.rule, alert.issue, alert.teams) == (
        "overlap",
        "detention",
        ("north", "south"),
    )
    assert set(alert.records) == {a.id, b.id}
    assert _service(services).alerts(AlertSettings(window_days=5)) == []


def test_an_offer_against_a_refusal_to_trade_is_a_contradiction(
    services: Services,
) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7")
    trade = contact(
        store,
        "north",
        D,
        brigade,
        issues=[ACCESS],
        approaches=[Approach.QUID_PRO_QUO],
    )
    law = contact(
        store,
        "south",
        D + dt.timedelta(3),
        brigade,
        issues=[ACCESS],
        approaches=[Approach.INTERNATIONAL_LAW],
    )
    rules = {a.rule: a for a in _service(services).alerts()}
    assert set(rules) == {"overlap", "contradiction"}
    found = rules["contradiction"]
    assert found.first_team == "north" and set(found.records) == {trade.id, law.id}


def test_a_contact_after_another_teams_safety_flag_is_flagged(
    services: Services,
) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7")
    flag = contact(store, "north", D, brigade, risks=[RiskFlag.STAFF_SAFETY])
    incident = crossing(store, "east", _at(D), brigade, CheckpointOutcome.INCIDENT)
    plan = contact(
        store,
        "south",
        D + dt.timedelta(4),
        brigade,
        status=ContactStatus.PLANNED,
    )
    contact(store, "south", D - dt.timedelta(4), brigade)  # before: no alert
    alerts = [a for a in _service(services).alerts() if a.rule == "after_safety"]
    assert {a.first_team for a in alerts} == {"north", "east"}
    for alert in alerts:
        assert alert.planned and plan.id in alert.records
    assert {flag.id, incident.id} <= {r for a in alerts for r in a.records}


def test_several_levels_by_different_teams_with_no_shared_plan(
    services: Services,
) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7")
    contact(store, "north", D, brigade, level=Level.LOCAL)
    contact(store, "south", D + dt.timedelta(2), brigade, level=Level.SENIOR)
    alerts = _service(services).alerts()
    assert [(a.rule, a.levels) for a in alerts] == [("levels", ("local", "senior"))]


def test_one_team_covering_every_level_raises_no_levels_alert(
    services: Services,
) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7")
    contact(store, "north", D, brigade, level=Level.LOCAL)
    contact(store, "north", D, brigade, level=Level.SENIOR)
    contact(store, "south", D, brigade, level=Level.LOCAL)
    assert _service(services).alerts() == []


# -- access report ----------------------------------------------------------------


def test_the_access_report_counts_crossings_that_were_not_free(
    services: Services,
) -> None:
    store = services._store
    brigade = actor(store, "Brigade 7")
    gate = store.save(Place(name="North gate", area="Hills district"))
    for outcome, delay in (
        (CheckpointOutcome.DELAYED, 30),
        (CheckpointOutcome.DELAYED, 60),
        (CheckpointOutcome.TURNED_BACK, None),
    ):
        crossing(
            store,
            "north",
            _at(dt.date(2026, 2, 3)),
            brigade,
            outcome,
            delay_minutes=delay,
            place_id=gate.id,
            constraint=AccessConstraint.MOVEMENT_RESTRICTION,
        )
    crossing(store, "north", _at(dt.date(2026, 3, 3)), None, CheckpointOutcome.INCIDENT)
    crossing(
        store, "north", _at(dt.date(2026, 3, 3)), brigade, CheckpointOutcome.PASSED
    )
    report = _service(services).access()
    assert report.total == 4
    first = next(line for line in report.lines if line.month == "2026-02")
    assert (first.constraint, first.area, first.actor_name) == (
        "movement_restriction",
        "Hills district",
        "Brigade 7",
    )
    assert (first.events, first.delayed, first.turned_back, first.median_delay) == (
        3,
        2,
        1,
        45,
    )
    assert report.by_month == [("2026-03", 1), ("2026-02", 3)]
    assert report.by_constraint[0] == ("movement_restriction", 3)
