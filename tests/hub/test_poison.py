"""No poison op: a control character in any text op is refused for that op alone,
with a 4xx code, on SQLite and PostgreSQL, and never blocks the device's queue."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest

from app.services import SyncService
from app.sync import load_identity, outbox
from app.sync.identity import Identity
from app.sync.refusals import refusals
from hub.service import Hub
from models import Actor, Contact, Hlc
from models.enums import Role
from models.refusals import refusal_status
from models.wire import ALIAS_ADD
from tests.hub.conftest import DeviceFactory
from tests.hub.support import answer, post_sync, push_request, registry_batch

BAD = ["\x00", "\x1b", "\x08", "\x7f", "\x9b"]
FIELDS = [("actor", "name"), ("actor", "area"), ("actor", ALIAS_ADD), ("place", "name")]


def _me(devices: DeviceFactory, name: str = "a") -> Identity:
    identity = load_identity(devices(name).store)
    assert identity is not None
    return identity


def _clock(n: int) -> str:
    return Hlc(1_700_000_000_000 + n, 0, "00000000000000aa").encode()


@pytest.mark.parametrize(("kind", "field"), FIELDS, ids=lambda v: str(v))
@pytest.mark.parametrize("bad", BAD, ids=[f"U+{ord(c):04X}" for c in BAD])
def test_a_text_op_with_a_control_character_is_refused_alone_with_a_4xx_code(
    devices: DeviceFactory,
    hub: Hub,
    http: httpx.Client,
    kind: str,
    field: str,
    bad: str,
) -> None:
    me = _me(devices)
    bad_record, good_record = uuid.uuid4().bytes, uuid.uuid4().bytes
    ops: list[Any] = [(0, kind, bad_record, "name", "Unit 4", _clock(1))]
    ops.append((1, kind, bad_record, field, f"Unit{bad}5", _clock(2)))
    ops.append((2, "actor", good_record, "name", "Unit 6", _clock(3)))
    resp = post_sync(http, me, push_request(1, registry_batch(me, 1, ops), registry=0))
    ack = answer(resp).ack
    assert ack is not None and ack.status == "applied"
    assert [index for index, _ in ack.rejects] == [1]
    code = ack.rejects[0][1]
    assert code == "control_character"
    assert 400 <= refusal_status(code) < 500
    again = answer(post_sync(http, me, push_request(2, registry_batch(me, 2, []))))
    assert again.ack is not None and again.ack.status == "applied"
    names = {
        uuid.UUID(bytes=item.id): item.fields.get("name")
        for item in answer(
            post_sync(http, me, push_request(3, registry_batch(me, 3, []), registry=0))
        ).registry.items  # type: ignore[union-attr]
    }
    assert names[uuid.UUID(bytes=good_record)] == "Unit 6"
    assert all(bad not in str(v) for v in names.values())


def test_an_alias_that_grows_when_case_folded_is_stored_on_both_databases(
    devices: DeviceFactory, http: httpx.Client
) -> None:
    me = _me(devices)
    record = uuid.uuid4().bytes
    ops: list[Any] = [(0, "actor", record, "name", "Unit 4", _clock(1))]
    ops.append((1, "actor", record, ALIAS_ADD, "ß" * 200, _clock(2)))
    resp = post_sync(http, me, push_request(1, registry_batch(me, 1, ops), registry=0))
    got = answer(resp)
    assert got.ack is not None and got.ack.rejects == []
    assert got.registry is not None and got.registry.items[0].aliases == ["ß" * 200]


def test_a_device_keeps_a_refused_record_shows_why_and_its_queue_moves_on(
    devices: DeviceFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    field = devices("field")
    coordinator = devices("coordinator", role=Role.COORDINATOR)
    actor = field.store.save(Actor(name="Unit 4", aliases=["Saqr"]))
    real = outbox.field_changes

    def old_client(rev: Any, parent: Any) -> list[tuple[str, Any]]:
        # What a modified (or older) client sends: the alias with a NUL inside.
        return [(f, "Sa\x00qr" if v == "Saqr" else v) for f, v in real(rev, parent)]

    monkeypatch.setattr(outbox, "field_changes", old_client)
    field.sync()
    monkeypatch.setattr(outbox, "field_changes", real)
    refused = refusals(field.store)
    assert [(r.record_id, r.kind, r.field, r.code) for r in refused] == [
        (actor.id, "actor", ALIAS_ADD, "control_character")
    ]
    shown = SyncService(field.store).refused()
    assert [(r.record_id, r.kind, r.name, r.code) for r in shown] == [
        (str(actor.id), "actor", "Unit 4", "control_character")
    ]
    kept = field.store.get(actor.id)
    assert kept is not None and kept.record.aliases == ["Saqr"]
    field.store.save(Contact(on=dt.date(2024, 6, 1), notes="recorded afterwards"))
    field.sync()
    assert field.store.pending_count() == 0
    coordinator.sync()
    assert [c.notes for c in coordinator.store.records(Contact)] == [
        "recorded afterwards"
    ]
    fixed = field.store.get(actor.id)
    assert fixed is not None
    field.store.save(fixed.record.model_copy(update={"aliases": ["Saqr", "Hawks"]}))
    field.sync()
    assert refusals(field.store) == []
    coordinator.sync()
    seen = coordinator.store.get(actor.id)
    assert seen is not None and sorted(seen.record.aliases) == ["Hawks", "Saqr"]
