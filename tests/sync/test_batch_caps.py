"""A device never builds a batch the hub would refuse for its op count."""

from __future__ import annotations

import msgpack
import pytest
from sqlalchemy import select

from app.sync import SyncEngine, load_identity, outbox
from hub import tables
from hub.service import Hub
from models import Actor
from models.wire import MAX_BATCH_OPS
from tests.sync.conftest import DeviceFactory


def test_a_registry_outbox_past_the_op_cap_goes_in_several_batches(
    devices: DeviceFactory, hub: Hub
) -> None:
    device = devices("a")
    aliases = [f"alias {n}" for n in range(12)]
    for i in range(200):
        device.store.save(Actor(name=f"Unit {i}", aliases=aliases, area="North"))
    engine = SyncEngine(device.store, device.client, batch_bytes=256 * 1024)
    report = engine.run_once()
    assert report.records_sent == 200 and device.store.pending_count() == 0
    with hub.db.read() as conn:
        acks = [
            msgpack.unpackb(bytes(a))
            for a in conn.execute(select(tables.batches.c.ack)).scalars()
        ]
    assert len(acks) > 1
    assert sum(a["ops"] for a in acks) > MAX_BATCH_OPS
    assert all(0 < a["ops"] <= MAX_BATCH_OPS and not a.get("rejects") for a in acks)


def test_a_batch_frozen_past_the_op_cap_is_rebuilt_within_it(
    devices: DeviceFactory, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = devices("a")
    device.sync()  # the device directory first: private fields seal to it
    aliases = [f"alias {n}" for n in range(12)]
    for i in range(200):
        device.store.save(Actor(name=f"Unit {i}", aliases=aliases))
    engine = SyncEngine(device.store, device.client, batch_bytes=256 * 1024)
    identity = load_identity(device.store)
    assert identity is not None
    # What an older client froze: one batch with every op in it.
    monkeypatch.setattr(outbox, "MAX_BATCH_OPS", 10**6)
    frozen = engine._frozen(identity, device.store.pending())
    assert frozen is not None
    monkeypatch.undo()
    report = engine.run_once()
    assert report.records_sent == 200 and device.store.pending_count() == 0
