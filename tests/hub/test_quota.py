"""Per-device quotas: registry ops per hour (429 with Retry-After, before any
lock) and registry entries per field device (the ops of further new records
refused with ``entry_limit``, the rest of the batch applied)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from app.sync import load_identity
from app.sync.errors import HubBusy
from app.sync.identity import Identity
from hub import tables
from hub.quota import HOUR_MS
from hub.service import Hub, now_ms
from models import Actor, Hlc
from models.enums import Role
from tests.hub.support import (
    LiveHub,
    answer,
    enroll,
    make_hub,
    post_sync,
    push_request,
    registry_batch,
    row_counts,
)


@pytest.fixture
def capped(database_url: str) -> Iterator[tuple[Hub, LiveHub]]:
    """A live hub allowing 50 registry ops an hour and 3 entries per device."""
    made = make_hub(database_url, ops_per_hour=50, entries_per_device=3)
    server = LiveHub(made)
    yield made, server
    server.stop()
    made.close()


def _clock(n: int) -> str:
    return Hlc(1_700_000_000_000 + n, 0, "00000000000000aa").encode()


def _new_actors(n: int, first: int = 0) -> list[Any]:
    return [
        (first + i, "actor", uuid.uuid4().bytes, "name", f"Unit {i}", _clock(i))
        for i in range(n)
    ]


def _me(hub: Hub, live: LiveHub, tmp: Any, **kwargs: Any) -> tuple[Identity, Any]:
    device = enroll(hub, live.url, tmp, **kwargs)
    me = load_identity(device.store)
    assert me is not None
    return me, device


def _older_hour(hub: Hub) -> None:
    q = tables.device_quotas
    with hub.db.write() as conn:
        conn.execute(update(q).values(hour_start=q.c.hour_start - HOUR_MS))


def test_a_device_past_its_hourly_ops_waits_with_retry_after_and_no_lock(
    capped: tuple[Hub, LiveHub], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub, live = capped
    me, device = _me(hub, live, tmp_path / "a")
    with httpx.Client(base_url=live.url, timeout=10) as http:
        first = answer(
            post_sync(http, me, push_request(1, registry_batch(me, 1, _new_actors(3))))
        )
        assert first.ack is not None and first.ack.status == "applied"
        many = [
            (i, "actor", uuid.uuid4().bytes, "+alias", f"a{i}", _clock(i))
            for i in range(48)
        ]
        before = row_counts(hub)
        writes: list[int] = []
        real = hub.db.write
        monkeypatch.setattr(hub.db, "write", lambda: writes.append(1) or real())
        resp = post_sync(http, me, push_request(2, registry_batch(me, 2, many)))
        monkeypatch.undo()
        assert (resp.status_code, resp.json()["code"]) == (429, "ops_quota")
        assert 3000 < int(resp.headers["retry-after"]) <= 3600
        assert writes == [] and row_counts(hub) == before
        _older_hour(hub)
        again = answer(
            post_sync(http, me, push_request(2, registry_batch(me, 2, many)))
        )
        assert again.ack is not None and again.ack.status == "applied"
    device.client.close()
    device.store.close()


def test_a_field_device_past_its_entries_gets_entry_limit_for_new_records_only(
    capped: tuple[Hub, LiveHub], tmp_path: Any
) -> None:
    hub, live = capped
    me, device = _me(hub, live, tmp_path / "a")
    ops = _new_actors(5)
    with httpx.Client(base_url=live.url, timeout=10) as http:
        got = answer(
            post_sync(http, me, push_request(1, registry_batch(me, 1, ops), registry=0))
        )
        assert got.ack is not None
        assert got.ack.rejects == [(3, "entry_limit"), (4, "entry_limit")]
        assert got.registry is not None and len(got.registry.items) == 3
        rename = [(0, "actor", ops[0][2], "name", "Unit 0 renamed", _clock(9))]
        got = answer(
            post_sync(
                http, me, push_request(2, registry_batch(me, 2, rename), registry=0)
            )
        )
        assert got.ack is not None and got.ack.rejects == []
        more = answer(
            post_sync(http, me, push_request(3, registry_batch(me, 3, _new_actors(1))))
        )
        assert more.ack is not None and more.ack.rejects == [(0, "entry_limit")]
    device.client.close()
    device.store.close()


def test_coordinators_are_not_capped_in_entries(
    capped: tuple[Hub, LiveHub], tmp_path: Any
) -> None:
    hub, live = capped
    me, device = _me(hub, live, tmp_path / "c", role=Role.COORDINATOR)
    with httpx.Client(base_url=live.url, timeout=10) as http:
        got = answer(
            post_sync(http, me, push_request(1, registry_batch(me, 1, _new_actors(5))))
        )
    assert got.ack is not None and got.ack.rejects == []
    device.client.close()
    device.store.close()


def test_a_device_over_its_hourly_quota_keeps_its_records_and_sends_them_later(
    capped: tuple[Hub, LiveHub], tmp_path: Any
) -> None:
    hub, live = capped
    me, device = _me(hub, live, tmp_path / "a")
    with hub.db.write() as conn:
        conn.execute(
            tables.device_quotas.insert().values(
                device=me.device, hour_start=now_ms(), hour_ops=45, entries=0
            )
        )
    device.store.save(Actor(name="Unit 1", aliases=["Saqr", "Hawks"]))
    with pytest.raises(HubBusy) as caught:
        device.sync()
    assert caught.value.status == 429 and caught.value.retry_after > 60
    assert device.store.pending_count() == 1
    _older_hour(hub)
    device.sync()
    assert device.store.pending_count() == 0
    device.client.close()
    device.store.close()
