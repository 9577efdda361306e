"""Insider attacks: a modified client holding a real field enrollment (south)
forges what it sends. The hub refuses each; sent past the hub (a relay that
applies anything), the receiving coordinator and north's field device refuse it:
nothing forged is ever shown. SQLite and PostgreSQL, over real HTTP."""

from __future__ import annotations

import datetime
import itertools
import uuid
from typing import Any

import httpx
import msgpack
from sqlalchemy import select

from app.store import Store
from app.sync import load_identity
from app.sync.identity import Identity
from app.sync.outbox import compress_revisions, declarations, seal_part
from app.sync.refusals import incoming_refusals
from app.sync.sealing import seal_for_team
from hub import tables
from hub.service import Hub
from models import Actor, Contact, FollowUp, Hlc, SyncedRecord
from models.enums import Role
from models.wire import Ack, Batch, Declared
from models.wire.private import SEALED_OP, pack_private, private_context
from tests.hub.conftest import DeviceFactory
from tests.hub.support import Device, answer, post_sync, push_request, row_counts

FORGED = "FORGED-by-south"
_clock = itertools.count(1)


def _hlc() -> str:
    return Hlc(1_900_000_000_000 + next(_clock), 0, "00000000000000bb").encode()


class Insider:
    """South's phone running a modified client: its own valid keys, forged content."""

    def __init__(self, device: Device, hub: Hub, http: httpx.Client) -> None:
        identity = load_identity(device.store)
        assert identity is not None
        self.identity: Identity = identity
        self.store: Store = device.store
        self.hub = hub
        self.http = http

    def _next_seq(self) -> int:
        d = tables.devices
        with self.hub.db.read() as conn:
            last = conn.execute(
                select(d.c.last_batch).where(d.c.id == self.identity.device)
            ).scalar()
        return int(last or 0) + 1

    def _push(self, batch: Batch) -> Ack:
        body = push_request(batch.seq, msgpack.packb(batch.dump(), use_bin_type=True))
        ack = answer(post_sync(self.http, self.identity, body)).ack
        assert ack is not None and ack.status == "applied"
        return ack

    def sealed(
        self, revs: list[SyncedRecord], *, declare: list[Declared] | None = None
    ) -> Ack:
        seq = self._next_seq()
        signer = (self.identity.team, self.identity.device)
        decl = declarations(revs, signer=signer) if declare is None else declare
        part = seal_part(self.identity, seq, compress_revisions(revs), decl)
        return self._push(Batch(device=self.identity.device, seq=seq, sealed=part))

    def ops(self, ops: list[tuple[str, bytes, str, Any]]) -> Ack:
        seq = self._next_seq()
        wire = [(i, k, rid, f, v, _hlc()) for i, (k, rid, f, v) in enumerate(ops)]
        return self._push(Batch(device=self.identity.device, seq=seq, ops=wire))


def _cast(devices: DeviceFactory) -> tuple[Device, Device, Device]:
    north = devices("n1")
    south = devices("s1", team="south")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    for device in (north, south, coord):
        device.sync()
    return north, south, coord


def _shown(device: Device) -> str:
    """Everything a device holds and could display, as text."""
    out = []
    for kind in (Contact, Actor, FollowUp):
        for record in device.store.records(kind):
            out += [r.model_dump_json() for r in device.store.history(record.id)]
    return "\n".join(out)


def _stamp(south: Insider, record: SyncedRecord, **changes: Any) -> SyncedRecord:
    """A revision as south's modified client makes it (its own device id)."""
    return record.model_copy(
        update={"rev": uuid.uuid4(), "device": south.identity.device, **changes}
    )


# -- 1. team spoofing ------------------------------------------------------------------


def test_a_contact_claiming_another_team_is_refused_by_hub_and_by_devices(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north, south_dev, coord = _cast(devices)
    south = Insider(south_dev, hub, http)
    spoof = _stamp(
        south, Contact(on=datetime.date(2024, 5, 1), notes=FORGED), team="north"
    )
    ack = south.sealed([spoof])
    assert ack.rejects == [(-1, "team_mismatch")] and not ack.sealed
    assert row_counts(hub)["sealed"] == 0
    hub.enforce_authority = False  # the relay stores it and serves it
    assert south.sealed([spoof]).sealed
    coord.sync()
    assert coord.store.records(Contact) == []
    assert FORGED not in _shown(coord)
    assert incoming_refusals(coord.store) == {"team_mismatch": 1}


def test_a_batch_whose_content_differs_from_what_it_declared_is_dropped(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north, south_dev, coord = _cast(devices)
    south = Insider(south_dev, hub, http)
    spoof = _stamp(
        south, Contact(on=datetime.date(2024, 5, 1), notes=FORGED), team="north"
    )
    honest_looking = [(spoof.id.bytes, "", "")]  # "the signer's own team and device"
    assert south.sealed(
        [spoof], declare=honest_looking
    ).sealed  # the hub cannot read it
    report = coord.engine.run_once()
    assert report.unreadable == 1
    assert FORGED not in _shown(coord)


# -- 2. revision injection into another team's contact ---------------------------------


def test_a_revision_injected_into_another_teams_contact_is_refused_and_never_shown(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north, south_dev, coord = _cast(devices)
    south = Insider(south_dev, hub, http)
    original = north.store.save(Contact(on=datetime.date(2024, 5, 1), notes="original"))
    north.sync()
    coord.sync()
    as_south = _stamp(
        south, original, parents=[original.rev], notes=FORGED, team="south"
    )
    as_north = _stamp(south, original, parents=[original.rev], notes=FORGED)
    ack = south.sealed([as_south, as_north])
    assert ack.rejects == [(-2, "team_mismatch"), (-1, "not_owner")]
    assert not ack.sealed
    hub.enforce_authority = False
    assert south.sealed([as_south]).sealed
    assert south.sealed([as_north]).sealed
    coord.sync()
    entry = coord.store.get(original.id)
    assert entry is not None and entry.heads == (original.rev,)
    assert entry.record.notes == "original"
    assert FORGED not in _shown(coord)
    assert incoming_refusals(coord.store) == {"not_owner": 1, "team_mismatch": 1}


# -- 3. registry rename / delete / merge of another team's entry -----------------------


def test_renaming_deleting_merging_another_teams_actor_is_refused_and_never_shown(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north, south_dev, coord = _cast(devices)
    south = Insider(south_dev, hub, http)
    actor = north.store.save(Actor(name="Brigade 7"))
    north.sync()
    coord.sync()
    rid = actor.id.bytes
    forged = [
        ("actor", rid, "name", FORGED),
        ("actor", rid, "deleted", True),
        ("actor", rid, "merged_into", uuid.uuid4().hex),
    ]
    ack = south.ops(forged)
    assert sorted(ack.rejects) == [(i, "needs_coordinator") for i in range(3)]
    hub.enforce_authority = False
    assert south.ops(forged).rejects == []
    for device in (north, coord):
        device.sync()
        (seen,) = device.store.records(Actor)
        assert (seen.name, seen.deleted, seen.merged_into) == ("Brigade 7", False, None)
        assert FORGED not in _shown(device)
        assert incoming_refusals(device.store) == {"needs_coordinator": 3}


# -- 4. a forged author on a follow-up -------------------------------------------------


def _envelope(south: Insider, task: uuid.UUID, team: str, title: str) -> bytes:
    plain = pack_private({"title": title, "notes": FORGED, "status": "open"})
    return seal_for_team(
        south.store,
        south.identity,
        plain,
        team=team,
        context=private_context("follow_up", task.hex, SEALED_OP),
        now_ms=1_900_000_000_000,
    )


def test_a_follow_up_under_another_teams_name_is_refused_and_never_shown(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north, south_dev, coord = _cast(devices)
    south = Insider(south_dev, hub, http)
    mine = north.store.save(FollowUp(title="call the commander"))
    north.sync()
    coord.sync()
    new = uuid.uuid4()
    forged = [
        ("follow_up", new.bytes, "team", "north"),
        ("follow_up", new.bytes, SEALED_OP, _envelope(south, new, "north", FORGED)),
        (
            "follow_up",
            mine.id.bytes,
            SEALED_OP,
            _envelope(south, mine.id, "north", FORGED),
        ),
    ]
    ack = south.ops(forged)
    assert sorted(ack.rejects) == [(0, "team_mismatch"), (2, "not_owner")]
    hub.enforce_authority = False
    assert south.ops(forged).rejects == []
    for device in (north, coord):
        device.sync()
        assert [f.title for f in device.store.records(FollowUp)] == [
            "call the commander"
        ]
        assert FORGED not in _shown(device)
