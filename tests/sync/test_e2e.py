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
from app.sync import SyncEngine, connect, enroll_device
from bench._hubproc import HubProcess
from hub.db import HubDb
from hub.enrollment import create_code
from hub.service import now_ms
from models import CheckpointLog, Commitment, Contact
from models.enums import CheckpointOutcome, Role
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
