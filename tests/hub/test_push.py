"""Pushes: idempotent by batch number, bad ops rejected without blocking the rest."""

from __future__ import annotations

import uuid

import httpx

from app.sync import load_identity
from app.sync.identity import Identity
from hub.service import Hub
from models import Hlc
from models.wire import ALIAS_ADD
from tests.hub.conftest import DeviceFactory
from tests.hub.support import (
    answer,
    post_sync,
    push_request,
    registry_batch,
    row_counts,
)


def _field(devices: DeviceFactory, name: str = "a") -> Identity:
    identity = load_identity(devices(name).store)
    assert identity is not None
    return identity


def _clock(n: int, node: str = "00000000000000aa") -> str:
    return Hlc(1_700_000_000_000 + n, 0, node).encode()


def _actor_ops(record: bytes, name: str, n: int = 1) -> list[object]:
    return [(0, "actor", record, "name", name, _clock(n))]


def test_resent_batch_gets_the_stored_ack_and_is_stored_once(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    me = _field(devices)
    body = push_request(
        1, registry_batch(me, 1, _actor_ops(uuid.uuid4().bytes, "Unit 4"))
    )
    first = answer(post_sync(http, me, body))
    again = answer(post_sync(http, me, body))
    assert first.ack is not None and first.ack.status == "applied"
    assert again.ack is not None and again.ack.status == "duplicate"
    assert row_counts(hub)["batches"] == 1
    assert row_counts(hub)["reg_log"] == 1


def test_batch_number_gap_gets_409_with_the_last_batch_number(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    me = _field(devices)
    ops = _actor_ops(uuid.uuid4().bytes, "Unit 4")
    answer(post_sync(http, me, push_request(1, registry_batch(me, 1, ops))))
    resp = post_sync(http, me, push_request(3, registry_batch(me, 3, ops)))
    assert resp.status_code == 409
    assert resp.json()["code"] == "batch_gap"
    assert resp.json()["last_batch_seq"] == 1
    assert row_counts(hub)["batches"] == 1


def test_same_number_with_other_content_gets_409(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    me = _field(devices)
    record = uuid.uuid4().bytes
    answer(
        post_sync(
            http, me, push_request(1, registry_batch(me, 1, _actor_ops(record, "A")))
        )
    )
    resp = post_sync(
        http, me, push_request(1, registry_batch(me, 1, _actor_ops(record, "B")))
    )
    assert resp.status_code == 409
    assert resp.json()["code"] == "batch_mismatch"
    assert resp.json()["last_batch_seq"] == 1


def test_bad_ops_are_rejected_with_codes_and_the_rest_is_applied(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    me = _field(devices)
    good, other = uuid.uuid4().bytes, uuid.uuid4().bytes
    ops = [
        (0, "actor", good, "name", "Unit 4", _clock(1)),
        (1, "actor", good, "actor_type", "very_angry", _clock(1)),
        (2, "contact", other, "notes", "x", _clock(1)),
        (3, "spaceship", other, "name", "x", _clock(1)),
        (4, "place", other, "no_such_field", "x", _clock(1)),
        (5, "actor", b"short", "name", "x", _clock(1)),
        (6, "actor", other, "name", "x", "not a clock"),
        (7, "follow_up", uuid.uuid4().bytes, "title", "call back", _clock(1)),
    ]
    resp = answer(
        post_sync(http, me, push_request(1, registry_batch(me, 1, ops), registry=0))
    )
    assert resp.ack is not None
    assert dict(resp.ack.rejects) == {
        1: "invalid_value",
        2: "sealed_kind",
        3: "unknown_kind",
        4: "unknown_field",
        5: "bad_id",
        6: "bad_clock",
        7: "sealed_field",  # a follow-up's title travels sealed, never plain
    }
    assert resp.registry is not None
    assert [s.fields["name"] for s in resp.registry.items] == ["Unit 4"]


def test_record_kind_cannot_change(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    me = _field(devices)
    record = uuid.uuid4().bytes
    answer(
        post_sync(
            http, me, push_request(1, registry_batch(me, 1, _actor_ops(record, "A")))
        )
    )
    ops = [(0, "place", record, "name", "Bridge", _clock(2))]
    resp = answer(post_sync(http, me, push_request(2, registry_batch(me, 2, ops))))
    assert resp.ack is not None and resp.ack.rejects == [(0, "kind_mismatch")]


def test_concurrent_field_writes_keep_the_later_one_and_show_the_loser(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    a, b = _field(devices, "a"), _field(devices, "b")
    record = uuid.uuid4().bytes
    answer(
        post_sync(
            http, a, push_request(1, registry_batch(a, 1, _actor_ops(record, "Unit 4")))
        )
    )
    # Both saw the actor at cursor 1, then edited the area without seeing each other.
    late = [(0, "actor", record, "area", "hills", _clock(9, "00000000000000bb"))]
    early = [(0, "actor", record, "area", "river", _clock(5, "00000000000000aa"))]
    answer(post_sync(http, b, push_request(1, registry_batch(b, 1, late, ctx=1))))
    resp = answer(
        post_sync(
            http, a, push_request(2, registry_batch(a, 2, early, ctx=1), registry=0)
        )
    )
    assert resp.registry is not None
    snap = resp.registry.items[0]
    assert snap.fields["area"] == "hills"
    assert [loser[0] for loser in snap.losers["area"]] == ["river"]


def test_an_edit_over_a_value_already_seen_leaves_no_loser(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    a = _field(devices)
    record = uuid.uuid4().bytes
    answer(
        post_sync(
            http, a, push_request(1, registry_batch(a, 1, _actor_ops(record, "Unit 4")))
        )
    )
    rename = [(0, "actor", record, "name", "Unit 5", _clock(2))]
    resp = answer(
        post_sync(
            http, a, push_request(2, registry_batch(a, 2, rename, ctx=1), registry=0)
        )
    )
    assert resp.registry is not None
    assert resp.registry.items[0].fields["name"] == "Unit 5"
    assert resp.registry.items[0].losers == {}


def test_alias_removal_does_not_remove_an_addition_it_had_not_seen(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    a, b = _field(devices, "a"), _field(devices, "b")
    record = uuid.uuid4().bytes
    first = [
        *_actor_ops(record, "Unit 4"),
        (1, "actor", record, ALIAS_ADD, "Scorpions", _clock(1)),
    ]
    answer(post_sync(http, a, push_request(1, registry_batch(a, 1, first))))
    # b adds the same alias again (concurrently), a removes the one it saw at cursor 1.
    answer(
        post_sync(
            http,
            b,
            push_request(
                1,
                registry_batch(
                    b,
                    1,
                    [(0, "actor", record, ALIAS_ADD, "scorpions", _clock(3))],
                    ctx=0,
                ),
            ),
        )
    )
    drop = [(0, "actor", record, "-alias", "Scorpions", _clock(4))]
    resp = answer(
        post_sync(
            http, a, push_request(2, registry_batch(a, 2, drop, ctx=1), registry=0)
        )
    )
    assert resp.registry is not None
    assert [a.casefold() for a in resp.registry.items[0].aliases] == ["scorpions"]


def test_alias_removal_removes_every_addition_it_had_seen(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    a = _field(devices)
    record = uuid.uuid4().bytes
    first = [
        *_actor_ops(record, "Unit 4"),
        (1, "actor", record, ALIAS_ADD, "Scorpions", _clock(1)),
    ]
    answer(post_sync(http, a, push_request(1, registry_batch(a, 1, first))))
    drop = [(0, "actor", record, "-alias", "SCORPIONS", _clock(4))]
    resp = answer(
        post_sync(
            http, a, push_request(2, registry_batch(a, 2, drop, ctx=1), registry=0)
        )
    )
    assert resp.registry is not None and resp.registry.items[0].aliases == []


def test_a_clock_far_in_the_future_is_clamped(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    a = _field(devices)
    record = uuid.uuid4().bytes
    year = 365 * 24 * 3600 * 1000
    future = Hlc(hub.clock() + year, 0, "00000000000000aa").encode()
    ops = [(0, "actor", record, "name", "Unit 4", future)]
    resp = answer(
        post_sync(http, a, push_request(1, registry_batch(a, 1, ops), registry=0))
    )
    assert resp.registry is not None
    stored = Hlc.decode(resp.registry.items[0].clocks["name"])
    assert stored.wall_ms <= resp.st + hub.settings.max_future_ms
