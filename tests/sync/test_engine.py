"""Sync over real HTTP: sealed contacts, the registry, batching, resends, clocks."""

from __future__ import annotations

import datetime
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import HubUnreachable
from app.services.synced import all_contacts, losing_values, resolve_actor
from app.sync import SyncEngine
from app.sync.engine import LAST_SEQ_META
from app.sync.identity import load_identity
from hub import tables
from hub.service import Hub
from models import Actor, CheckpointLog, Contact, HybridClock, Place, RecordKind
from models.enums import CheckpointOutcome, Role, Stance
from models.keys import CryptoError, open_sealed
from models.wire import op_fields, seal_aad
from tests.hub.support import LiveHub, enroll, flaky_client
from tests.sync.conftest import DeviceFactory

DAY = datetime.date(2024, 5, 1)


def _contacts(store: object, n: int, tag: str = "talk") -> list[Contact]:
    return [store.save(Contact(on=DAY, notes=f"{tag} {i}")) for i in range(n)]  # type: ignore[attr-defined]


def _sealed_rows(hub: Hub) -> int:
    with hub.db.read() as conn:
        return int(
            conn.execute(select(func.count()).select_from(tables.sealed)).scalar() or 0
        )


def test_coordinator_reads_every_teams_contacts_and_checkpoint_logs(
    devices: DeviceFactory,
) -> None:
    north, south = devices("n", team="north"), devices("s", team="south")
    coordinator = devices("c", role=Role.COORDINATOR, team="hq")
    _contacts(north.store, 3, "north")
    _contacts(south.store, 2, "south")
    now = datetime.datetime(2024, 5, 1, 8, 0, tzinfo=datetime.UTC)
    north.store.save(
        CheckpointLog(observed_at=now, entered_at=now, outcome=CheckpointOutcome.PASSED)
    )
    north.sync()
    south.sync()
    coordinator.sync()
    teams = {
        t.team: sorted(c.notes for c in t.contacts)
        for t in all_contacts(coordinator.store)
    }
    assert teams == {
        "north": ["north 0", "north 1", "north 2"],
        "south": ["south 0", "south 1"],
    }
    assert len(coordinator.store.records(CheckpointLog)) == 1


def test_field_device_gets_no_one_elses_contacts_and_cannot_open_them(
    devices: DeviceFactory, hub: Hub
) -> None:
    author, other = devices("a"), devices("b")
    _contacts(author.store, 2)
    author.sync()
    other.sync()
    assert other.store.records(Contact) == []
    with hub.db.read() as conn:
        row = conn.execute(select(tables.sealed)).one()
    me = load_identity(other.store)
    assert me is not None
    with pytest.raises(CryptoError):
        open_sealed(me.x, bytes(row.ct), aad=seal_aad(row.device, row.batch))


def test_registry_edits_reach_every_device_and_the_loser_stays_visible(
    devices: DeviceFactory,
) -> None:
    a, b = devices("a"), devices("b")
    actor = a.store.save(Actor(name="Brigade 7", aliases=["B7"]))
    place = a.store.save(Place(name="Bridge checkpoint"))
    a.sync()
    b.sync()
    seen = b.store.records(Actor)[0]
    b.store.save(seen.model_copy(update={"stance": Stance.HOSTILE}))
    a.store.save(
        a.store.records(Actor)[0].model_copy(update={"stance": Stance.NEUTRAL})
    )
    b.sync()
    a.sync()
    b.sync()
    mine, theirs = a.store.records(Actor)[0], b.store.records(Actor)[0]
    assert mine.stance == theirs.stance
    loser = {Stance.HOSTILE.value, Stance.NEUTRAL.value} - {mine.stance.value}  # type: ignore[union-attr]
    assert [v.value for v in losing_values(a.store, actor.id)] == list(loser)
    assert [v.value for v in losing_values(b.store, actor.id)] == list(loser)
    assert [p.name for p in b.store.records(Place)] == [place.name]


def test_aliases_added_on_two_devices_are_both_kept(devices: DeviceFactory) -> None:
    a, b = devices("a"), devices("b")
    a.store.save(Actor(name="Brigade 7"))
    a.sync()
    b.sync()
    a.store.save(a.store.records(Actor)[0].model_copy(update={"aliases": ["B7"]}))
    b.store.save(b.store.records(Actor)[0].model_copy(update={"aliases": ["Seventh"]}))
    a.sync()
    b.sync()
    a.sync()
    assert sorted(a.store.records(Actor)[0].aliases) == ["B7", "Seventh"]
    assert sorted(b.store.records(Actor)[0].aliases) == ["B7", "Seventh"]


def test_a_duplicate_actor_merged_into_another_is_followed(
    devices: DeviceFactory,
) -> None:
    a, b = devices("a"), devices("b")
    first = a.store.save(Actor(name="Brigade 7"))
    dup = b.store.save(Actor(name="7th Brigade"))
    a.sync()
    b.sync()
    a.sync()
    found = next(r for r in a.store.records(Actor) if r.id == dup.id)
    a.store.save(found.model_copy(update={"merged_into": first.id}))
    a.sync()
    b.sync()
    merged = resolve_actor(b.store, dup.id)
    assert merged is not None and merged.id == first.id


def test_concurrent_contact_edits_show_as_a_conflict_at_the_coordinator(
    devices: DeviceFactory,
) -> None:
    field = devices("a")
    coordinator = devices("c", role=Role.COORDINATOR, team="hq")
    (original,) = _contacts(field.store, 1)
    field.sync()
    coordinator.sync()
    theirs = coordinator.store.get(original.id)
    assert theirs is not None
    coordinator.store.save(
        theirs.record.model_copy(update={"notes": "coordinator view"})
    )
    field.store.save(original.model_copy(update={"notes": "field correction"}))
    field.sync()
    coordinator.sync()
    entry = coordinator.store.get(original.id)
    assert entry is not None and entry.conflict and len(entry.heads) == 2
    team = next(
        t for t in all_contacts(coordinator.store) if original.id in t.conflicts
    )
    assert team.team == "north"


def test_a_long_outbox_goes_in_byte_capped_batches(
    devices: DeviceFactory, hub: Hub, live: LiveHub
) -> None:
    device = devices("a")
    _contacts(device.store, 120)
    engine = SyncEngine(device.store, device.client, batch_bytes=4096)
    report = engine.run_once()
    assert report.requests > 1
    assert report.records_sent == 120 and device.store.pending_count() == 0
    with hub.db.read() as conn:
        sizes = list(conn.execute(select(tables.sealed.c.size)).scalars())
    assert len(sizes) == report.requests
    assert max(sizes) <= 4096 * 1.2


def test_a_dropped_answer_resends_the_same_batch_which_the_hub_stores_once(
    hub: Hub, live: LiveHub, tmp_path: Path
) -> None:
    client, transport = flaky_client(live.url)
    device = enroll(hub, live.url, tmp_path / "a", client=client)
    _contacts(device.store, 5)
    transport.faults = ["response"]
    with pytest.raises(HubUnreachable):
        device.sync()
    assert _sealed_rows(hub) == 1 and device.store.pending_count() == 5
    report = device.engine.run_once()
    assert report.records_sent == 5 and device.store.pending_count() == 0
    assert _sealed_rows(hub) == 1
    transport.faults = ["request"]
    _contacts(device.store, 1)
    with pytest.raises(HubUnreachable):
        device.sync()
    device.sync()
    assert _sealed_rows(hub) == 2
    client.close()
    device.store.close()


def test_a_device_clock_a_day_ahead_learns_the_hub_offset(
    devices: DeviceFactory,
) -> None:
    device = devices("a")
    ahead = 24 * 3600 * 1000
    store = device.store
    store.clock = HybridClock(
        node=store.device, now_ms=lambda: time.time_ns() // 1_000_000 + ahead
    )
    _contacts(store, 1)
    device.sync()
    assert abs(store.clock.offset_ms + ahead) < 60_000
    assert store.pending_count() == 0


def test_a_rejected_registry_op_does_not_block_the_queue(
    devices: DeviceFactory,
) -> None:
    a, b = devices("a"), devices("b")
    shared = uuid.uuid4()
    a.store.save(Actor(id=shared, name="Brigade 7"))
    a.sync()
    b.store.save(Place(id=shared, name="Same id, other kind"))
    b.store.save(Place(name="Market"))
    _contacts(b.store, 2)
    report = b.engine.run_once()
    assert report.rejected == {"kind_mismatch": len(op_fields(RecordKind.PLACE))}
    assert b.store.pending_count() == 0
    a.sync()
    assert [p.name for p in a.store.records(Place)] == ["Market"]


def test_a_hub_behind_the_device_gets_the_batch_renumbered(
    devices: DeviceFactory, hub: Hub
) -> None:
    device = devices("a")
    _contacts(device.store, 3)
    device.sync()
    # As if the hub were restored from an older backup: the device is ahead.
    device.store.set_meta(LAST_SEQ_META, 7)
    _contacts(device.store, 2)
    report = device.engine.run_once()
    assert report.records_sent == 2 and device.store.pending_count() == 0
    assert device.store.get_meta(LAST_SEQ_META) == 2
    assert _sealed_rows(hub) == 2


def test_a_batch_number_reused_with_other_content_moves_past_the_hubs(
    devices: DeviceFactory, hub: Hub
) -> None:
    device = devices("a")
    _contacts(device.store, 3)
    device.sync()
    # As if the device had lost its record of batch 1 being acknowledged.
    device.store.set_meta(LAST_SEQ_META, 0)
    _contacts(device.store, 2)
    report = device.engine.run_once()
    assert report.records_sent == 2
    assert device.store.get_meta(LAST_SEQ_META) == 2
    assert _sealed_rows(hub) == 2
