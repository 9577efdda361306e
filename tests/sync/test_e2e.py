"""End to end over real HTTP with the hub in its own process, on SQLite and PostgreSQL.

Two field devices and a coordinator enroll; the field devices record offline; every
device syncs; the coordinator reads every contact; the hub's database and logs hold
no plaintext of any marker.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from app.services.synced import all_contacts
from app.store import Store
from app.sync import HubClient, SyncEngine, connect, enroll_device
from app.sync.private import team_values_meta
from bench._hubproc import HubProcess
from hub.db import HubDb
from hub.enrollment import create_code
from hub.service import now_ms
from models import Actor, CheckpointLog, Commitment, Contact, FollowUp
from models.enums import CheckpointOutcome, Role
from models.wire import decode
from tests.hub.support import (
    ORG_PASSPHRASE,
    Device,
    database_for,
    new_vault,
)


@pytest.fixture(params=["sqlite", "postgres"])
def hub_process(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubProcess]:
    """An initialised hub serving from a subprocess."""
    with database_for(request.param, tmp_path) as url:
        proc = HubProcess(url, PARLEY_ORG_PASSPHRASE=ORG_PASSPHRASE)
        proc.cli("init", "--org", "E2E", "--kdf-memory-kib", "8192")
        proc.start()
        yield proc
        proc.stop()


def _record(store: Store, marker: str) -> None:
    store.save(
        Contact(
            on=datetime.date(2024, 5, 1),
            interlocutor_role=f"{marker}-role",
            asks=f"{marker}-asks",
            outcome=f"{marker}-outcome",
            notes=f"{marker}-notes met the commander at the bridge",
            commitments=[Commitment(text=f"{marker}-commitment")],
        )
    )
    moment = datetime.datetime(2024, 5, 1, 7, 30, tzinfo=datetime.UTC)
    store.save(
        CheckpointLog(
            observed_at=moment,
            entered_at=moment,
            outcome=CheckpointOutcome.DELAYED,
            demands=f"{marker}-demands",
        )
    )


def _hub_bytes(hub: HubProcess, tmp_path: Path) -> bytes:
    if hub.database_url.startswith("sqlite"):
        files = sorted(tmp_path.glob("hub.db*"))
        assert files
        return b"".join(path.read_bytes() for path in files)
    dump = b""
    query = "SELECT table_name FROM information_schema.tables WHERE table_schema = %s"
    base, schema = hub.database_url.split("?options=-csearch_path%3D")
    with psycopg.connect(base) as conn:
        names = [f'"{schema}"."{row[0]}"' for row in conn.execute(query, (schema,))]
        assert len(names) >= 10
        for name in names:
            for row in conn.execute(f"SELECT * FROM {name}"):
                dump += repr(row).encode() + b"".join(
                    bytes(v) for v in row if isinstance(v, bytes | memoryview)
                )
    return dump


def test_coordinator_reads_every_contact_and_the_hub_holds_no_plaintext(
    hub_process: HubProcess, tmp_path: Path
) -> None:
    db = HubDb(hub_process.database_url)
    codes = {
        name: create_code(db, team=team, role=role, ttl_ms=3_600_000, now_ms=now_ms())
        for name, team, role in (
            ("north", "north", Role.FIELD),
            ("south", "south", Role.FIELD),
            ("coord", "hq", Role.COORDINATOR),
        )
    }
    db.close()
    devices: dict[str, Device] = {}
    markers = {name: f"MARKER{uuid.uuid4().hex[:10]}" for name in ("north", "south")}
    try:
        for name, code in codes.items():
            vault, store = new_vault(tmp_path / name)
            client = connect(hub_process.url)
            passphrase = ORG_PASSPHRASE if name == "coord" else None
            enroll_device(client, store, code=code, org_passphrase=passphrase)
            devices[name] = Device(
                vault, store, client, SyncEngine(store, client), Role.FIELD
            )
        for name, marker in markers.items():  # offline: nothing leaves the phone yet
            for i in range(3):
                _record(devices[name].store, f"{marker}{i}")
        for name in ("north", "south", "coord"):
            devices[name].sync()
        coordinator = devices["coord"].store
        seen = {
            c.notes.split("-")[0]
            for team in all_contacts(coordinator)
            for c in team.contacts
        }
        assert seen == {f"{m}{i}" for m in markers.values() for i in range(3)}
        assert {t.team for t in all_contacts(coordinator)} == {"north", "south"}
        assert len(coordinator.records(CheckpointLog)) == 6
        assert (
            devices["south"]
            .store.records(Contact)[0]
            .notes.startswith(markers["south"])
        )
        assert all(
            markers["north"] not in c.notes
            for c in devices["south"].store.records(Contact)
        )
    finally:
        for device in devices.values():
            device.client.close()
            device.store.close()
    hub_process.stop()
    stored = _hub_bytes(hub_process, tmp_path)
    assert len(stored) > 1000
    for marker in markers.values():
        assert marker.encode() not in stored
        assert marker.encode() not in hub_process.log
    assert b"/v1/sync status=200" in hub_process.log


class _Recording(HubClient):
    """A client that keeps every sync answer it receives, decoded."""

    def __init__(self, url: str) -> None:
        super().__init__(connect(url).http, url)
        self.pulled = b""

    def sync(self, body: bytes, *, authorization: str) -> bytes:
        out = super().sync(body, authorization=authorization)
        self.pulled += _flatten(decode(out))
        return out


def _flatten(obj: object) -> bytes:
    """Every string and byte string inside a decoded body, concatenated."""
    if isinstance(obj, bytes):
        return obj
    if isinstance(obj, str):
        return obj.encode()
    if isinstance(obj, dict):
        return b"".join(_flatten(k) + _flatten(v) for k, v in obj.items())
    if isinstance(obj, list | tuple):
        return b"".join(_flatten(v) for v in obj)
    return b""


def test_follow_up_and_actor_notes_reach_their_team_and_coordinators_only(
    hub_process: HubProcess, tmp_path: Path
) -> None:
    db = HubDb(hub_process.database_url)
    roles = {
        "n1": ("north", Role.FIELD),
        "n2": ("north", Role.FIELD),
        "s1": ("south", Role.FIELD),
        "c1": ("hq", Role.COORDINATOR),
    }
    codes = {
        name: create_code(db, team=team, role=role, ttl_ms=3_600_000, now_ms=now_ms())
        for name, (team, role) in roles.items()
    }
    db.close()
    marker = f"MARKER{uuid.uuid4().hex[:10]}"
    devices: dict[str, Device] = {}
    south_client = _Recording(hub_process.url)
    try:
        for name, code in codes.items():
            vault, store = new_vault(tmp_path / name)
            client = south_client if name == "s1" else connect(hub_process.url)
            passphrase = ORG_PASSPHRASE if name == "c1" else None
            enroll_device(client, store, code=code, org_passphrase=passphrase)
            role = roles[name][1]
            devices[name] = Device(
                vault, store, client, SyncEngine(store, client), role
            )
        for name in ("n2", "s1", "c1"):
            devices[name].sync()  # enrolled and in the directory before n1 seals
        author = devices["n1"].store
        actor = author.save(Actor(name="Brigade 7", notes=f"{marker} actor notes"))
        contact = author.save(Contact(on=datetime.date(2024, 5, 1), actor_id=actor.id))
        author.save(
            FollowUp(
                contact_id=contact.id,
                actor_id=actor.id,
                title=f"{marker} title",
                notes=f"{marker} follow-up notes",
            )
        )
        for name in ("n1", "n2", "s1", "c1"):
            devices[name].sync()
        for name in ("n2", "c1"):
            (task,) = devices[name].store.records(FollowUp)
            assert (task.title, task.notes) == (
                f"{marker} title",
                f"{marker} follow-up notes",
            )
            assert (task.contact_id, task.actor_id) == (contact.id, actor.id)
        assert devices["n2"].store.records(Actor)[0].notes == f"{marker} actor notes"
        teams = devices["c1"].store.get_meta(team_values_meta(actor.id))
        assert [(t, v["notes"]) for t, v in teams] == [
            ("north", f"{marker} actor notes")
        ]
        south = devices["s1"].store
        assert south.records(FollowUp) == []
        assert [(a.name, a.notes) for a in south.records(Actor)] == [("Brigade 7", "")]
        assert b"Brigade 7" in south_client.pulled  # it did pull the registry
        assert marker.encode() not in south_client.pulled
    finally:
        for device in devices.values():
            device.client.close()
            device.store.close()
    hub_process.stop()
    stored = _hub_bytes(hub_process, tmp_path)
    assert b"Brigade 7" in stored  # what merging needs stays readable
    assert marker.encode() not in stored
    assert marker.encode() not in hub_process.log
