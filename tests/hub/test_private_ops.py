"""A modified client cannot make the hub store private fields in plaintext, nor
store an envelope under another device's name. On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select

from app.sync import load_identity
from app.sync.identity import Identity
from hub import tables
from hub.service import Hub
from models import Hlc
from models.envelope import Author, Recipient, seal_envelope
from models.keys import box_public
from models.wire.private import SEALED_OP, TEAM_OP, private_context, team_cell
from tests.hub.conftest import DeviceFactory
from tests.hub.support import answer, post_sync, push_request, registry_batch

CLOCK = Hlc(1_700_000_000_000, 0, "00000000000000aa").encode()


def _identity(devices: DeviceFactory, name: str, team: str = "north") -> Identity:
    identity = load_identity(devices(name, team=team).store)
    assert identity is not None
    return identity


def _box(author: Identity, kind: str, record: uuid.UUID, op: str) -> bytes:
    me = Recipient(author.device, box_public(author.x))
    return seal_envelope(
        [me],
        b"\x80",
        context=private_context(kind, record.hex, op),
        author=Author(author.device, author.ed, author.cert),
    )


def _push(http: httpx.Client, me: Identity, ops: list[object]) -> list[tuple[int, str]]:
    resp = post_sync(http, me, push_request(1, registry_batch(me, 1, ops)))
    ack = answer(resp).ack
    assert ack is not None
    return [tuple(r) for r in ack.rejects]  # type: ignore[misc]


def _cells(hub: Hub) -> set[str]:
    with hub.db.read() as conn:
        return set(conn.execute(select(tables.reg_fields.c.field)).scalars())


def test_private_field_sent_in_plaintext_is_refused_and_not_stored(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    me = _identity(devices, "a")
    task, actor = uuid.uuid4().bytes, uuid.uuid4().bytes
    ops = [
        (0, "follow_up", task, "team", "north", CLOCK),
        (1, "follow_up", task, "title", "call the commander", CLOCK),
        (2, "follow_up", task, "notes", "secret", CLOCK),
        (3, "actor", actor, "name", "Brigade 7", CLOCK),
        (4, "actor", actor, "notes", "secret", CLOCK),
        (5, "actor", actor, "stance", "hostile", CLOCK),
    ]
    assert _push(http, me, ops) == [
        (1, "sealed_field"),
        (2, "sealed_field"),
        (4, "sealed_field"),
        (5, "sealed_field"),
    ]
    assert _cells(hub) == {"team", "name"}


def test_envelope_of_another_device_or_record_or_garbage_is_refused(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    me, other = _identity(devices, "a"), _identity(devices, "b")
    task, elsewhere = uuid.uuid4(), uuid.uuid4()
    ops = [
        (
            0,
            "follow_up",
            task.bytes,
            SEALED_OP,
            _box(other, "follow_up", task, SEALED_OP),
            CLOCK,
        ),
        (
            1,
            "follow_up",
            task.bytes,
            SEALED_OP,
            _box(me, "follow_up", elsewhere, SEALED_OP),
            CLOCK,
        ),
        (2, "follow_up", task.bytes, SEALED_OP, b"not an envelope", CLOCK),
        (3, "follow_up", task.bytes, SEALED_OP, "text", CLOCK),
    ]
    assert _push(http, me, ops) == [
        (0, "device_mismatch"),
        (1, "bad_signature"),
        (2, "invalid_value"),
        (3, "invalid_value"),
    ]
    assert SEALED_OP not in _cells(hub)


def test_each_team_writes_its_own_notes_cell_of_a_shared_entry(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north, south = _identity(devices, "a"), _identity(devices, "b", team="south")
    actor = uuid.uuid4()
    for me in (north, south):
        box = _box(me, "actor", actor, TEAM_OP)
        # Only north, which creates the entry, names it (south may not rename it).
        name = [(0, "actor", actor.bytes, "name", "Brigade 7", CLOCK)]
        ops = [
            *(name if me is north else []),
            (1, "actor", actor.bytes, TEAM_OP, box, CLOCK),
        ]
        assert _push(http, me, ops) == []
    assert _cells(hub) == {"name", team_cell("north"), team_cell("south")}
