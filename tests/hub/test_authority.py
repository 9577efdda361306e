"""The hub holds every registry op to the shared rules (``models.authority``),
with the writer stamped from the signing device's certificate: a refused op is
refused alone, with its code, and the batch is acknowledged. SQLite and
PostgreSQL."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import msgpack
from sqlalchemy import select

from app.sync import load_identity
from app.sync.identity import Identity
from hub import tables
from hub.service import Hub
from models import Hlc
from models.enums import Role
from tests.hub.conftest import DeviceFactory
from tests.hub.support import answer, post_sync, push_request, registry_batch

_clock = itertools.count(1)


def _hlc() -> str:
    return Hlc(1_700_000_000_000 + next(_clock), 0, "00000000000000aa").encode()


class _Phone:
    """A modified client: raw ops, signed with a real enrollment's keys."""

    def __init__(self, identity: Identity, http: httpx.Client) -> None:
        self.identity = identity
        self.http = http
        self.seq: Iterator[int] = itertools.count(1)

    def push(
        self, ops: list[tuple[str, bytes, str, Any]], *, ctx: int = 0
    ) -> list[tuple[int, str]]:
        """Push ``ops`` as the next batch, built having seen the registry to ``ctx``."""
        wire = [(i, kind, rid, f, v, _hlc()) for i, (kind, rid, f, v) in enumerate(ops)]
        seq = next(self.seq)
        body = push_request(seq, registry_batch(self.identity, seq, wire, ctx=ctx))
        ack = answer(post_sync(self.http, self.identity, body)).ack
        assert ack is not None and ack.status == "applied"
        return [(int(i), str(code)) for i, code in ack.rejects]


def _phone(
    devices: DeviceFactory,
    http: httpx.Client,
    name: str,
    *,
    team: str,
    role: Role = Role.FIELD,
) -> _Phone:
    identity = load_identity(devices(name, team=team, role=role).store)
    assert identity is not None
    return _Phone(identity, http)


def _cell(hub: Hub, record: bytes, field: str) -> Any:
    f = tables.reg_fields
    with hub.db.read() as conn:
        raw = conn.execute(
            select(f.c.value).where(
                f.c.record_id == uuid.UUID(bytes=record).hex, f.c.field == field
            )
        ).scalar()
    return None if raw is None else msgpack.unpackb(bytes(raw))


def _owner(hub: Hub, record: bytes) -> tuple[str, str] | None:
    o = tables.record_owners
    with hub.db.read() as conn:
        row = conn.execute(
            select(o.c.team, o.c.creator).where(
                o.c.record_id == uuid.UUID(bytes=record).hex
            )
        ).first()
    return None if row is None else (row.team, row.creator)


def _aliases(hub: Hub, record: bytes) -> set[str]:
    a = tables.reg_aliases
    with hub.db.read() as conn:
        rows = conn.execute(
            select(a.c.alias).where(
                a.c.record_id == uuid.UUID(bytes=record).hex, a.c.removed.is_(False)
            )
        )
        return set(rows.scalars())


def test_an_entry_belongs_to_the_team_in_its_creators_certificate(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north = _phone(devices, http, "n", team="north")
    actor = uuid.uuid4().bytes
    assert north.push([("actor", actor, "name", "Brigade 7")]) == []
    assert _owner(hub, actor) == ("north", north.identity.device)


def test_a_field_device_cannot_rename_delete_or_merge_another_teams_entry(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north = _phone(devices, http, "n", team="north")
    south = _phone(devices, http, "s", team="south")
    actor, other = uuid.uuid4().bytes, uuid.uuid4().hex
    north.push(
        [("actor", actor, "name", "Brigade 7"), ("actor", actor, "+alias", "B7")]
    )
    rejects = south.push(
        [
            ("actor", actor, "name", "Forged"),
            ("actor", actor, "deleted", True),
            ("actor", actor, "merged_into", other),
            ("actor", actor, "+alias", "Seventh"),
            ("actor", actor, "-alias", "B7"),
            ("actor", actor, "area", "Ridge"),
        ],
        ctx=1_000,  # it had seen the alias it removes
    )
    assert rejects == [
        (0, "needs_coordinator"),
        (1, "needs_coordinator"),
        (2, "needs_coordinator"),
    ]
    assert _cell(hub, actor, "name") == "Brigade 7"
    assert _cell(hub, actor, "deleted") is None
    assert _cell(hub, actor, "merged_into") is None
    # Refusals are per op: the alias changes and the detail in the same batch apply.
    assert _aliases(hub, actor) == {"Seventh"}
    assert _cell(hub, actor, "area") == "Ridge"
    assert _owner(hub, actor) == ("north", north.identity.device)


def test_a_coordinator_renames_deletes_and_merges_any_teams_entry(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north = _phone(devices, http, "n", team="north")
    coord = _phone(devices, http, "c", team="hq", role=Role.COORDINATOR)
    actor, other = uuid.uuid4().bytes, uuid.uuid4().hex
    north.push([("actor", actor, "name", "Brigade 7")])
    assert (
        coord.push(
            [
                ("actor", actor, "name", "7th Brigade"),
                ("actor", actor, "merged_into", other),
                ("actor", actor, "deleted", True),
            ]
        )
        == []
    )
    assert _cell(hub, actor, "name") == "7th Brigade"
    assert _cell(hub, actor, "deleted") is True
    assert _owner(hub, actor) == ("north", north.identity.device)


def test_an_entry_that_claims_another_team_is_refused_that_claim(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    south = _phone(devices, http, "s", team="south")
    place = uuid.uuid4().bytes
    rejects = south.push(
        [("place", place, "name", "Bridge"), ("place", place, "team", "north")]
    )
    assert rejects == [(1, "team_mismatch")]
    assert _cell(hub, place, "team") is None
    assert _owner(hub, place) == ("south", south.identity.device)


def test_a_field_device_cannot_assign_a_follow_up_to_another_team(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    south = _phone(devices, http, "s", team="south")
    task = uuid.uuid4().bytes
    assert south.push([("follow_up", task, "team", "north")]) == [(0, "team_mismatch")]
    assert _owner(hub, task) is None
    assert _cell(hub, task, "team") is None


def test_a_field_device_cannot_write_another_teams_follow_up(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north = _phone(devices, http, "n", team="north")
    south = _phone(devices, http, "s", team="south")
    task = uuid.uuid4().bytes
    assert north.push([("follow_up", task, "team", "north")]) == []
    rejects = south.push(
        [("follow_up", task, "deleted", True), ("follow_up", task, "team", "south")]
    )
    assert rejects == [(0, "not_owner"), (1, "not_owner")]
    assert _cell(hub, task, "team") == "north"
    assert _cell(hub, task, "deleted") is None
    assert _owner(hub, task) == ("north", north.identity.device)


def test_a_coordinators_assignment_hands_a_follow_up_to_that_team(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north = _phone(devices, http, "n", team="north")
    south = _phone(devices, http, "s", team="south")
    coord = _phone(devices, http, "c", team="hq", role=Role.COORDINATOR)
    task = uuid.uuid4().bytes
    assert coord.push([("follow_up", task, "team", "north")]) == []
    assert _owner(hub, task) == ("north", coord.identity.device)
    assert coord.push([("follow_up", task, "team", "south")]) == []
    assert _owner(hub, task) == ("south", coord.identity.device)
    assert south.push([("follow_up", task, "deleted", True)]) == []
    assert north.push([("follow_up", task, "deleted", False)]) == [(0, "not_owner")]
    assert _cell(hub, task, "deleted") is True


def test_a_relay_that_skips_the_rules_applies_anything(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    north = _phone(devices, http, "n", team="north")
    south = _phone(devices, http, "s", team="south")
    actor = uuid.uuid4().bytes
    north.push([("actor", actor, "name", "Brigade 7")])
    hub.enforce_authority = False
    assert south.push([("actor", actor, "name", "Forged")]) == []
    assert _cell(hub, actor, "name") == "Forged"
