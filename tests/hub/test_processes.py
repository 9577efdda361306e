"""Several hub processes over one database behave like one."""

from __future__ import annotations

import datetime
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.errors import DeviceRevoked
from app.sync import SyncEngine, connect
from app.sync.identity import load_identity
from bench._hubproc import free_port
from hub import tables
from hub.devices import revoke
from hub.service import Hub, now_ms
from models import Contact
from models.enums import Role
from tests.hub.support import LiveHub, enroll, reopen_hub


@pytest.fixture
def twin(hub: Hub, database_url: str) -> Iterator[LiveHub]:
    """A second hub process (own pool, own caches) over the same database."""
    other = reopen_hub(database_url, hub.keys)
    server = LiveHub(other)
    yield server
    server.stop()
    other.close()


def test_a_batch_sent_to_one_process_and_resent_to_another_is_stored_once(
    hub: Hub, live: LiveHub, twin: LiveHub, tmp_path: Path
) -> None:
    field = enroll(hub, live.url, tmp_path / "a")
    coordinator = enroll(hub, twin.url, tmp_path / "c", role=Role.COORDINATOR)
    for i in range(20):
        field.store.save(Contact(on=datetime.date(2024, 5, 1), notes=f"talk {i}"))
    inflight = SyncEngine(field.store, field.client)
    frozen = inflight._frozen(load_identity(field.store), field.store.pending())  # type: ignore[arg-type]
    assert frozen is not None
    first = field.engine.run_once()
    assert first.records_sent == 20
    # The same frozen batch arrives again, this time at the other process.
    field.store.ack([], state={"sync.inflight": frozen.to_meta(), "sync.last_seq": 0})
    other_client = connect(twin.url)
    again = SyncEngine(field.store, other_client).run_once()
    assert again.records_sent == 20
    coordinator.sync()
    assert len(coordinator.store.records(Contact)) == 20
    with hub.db.read() as conn:
        rows = conn.execute(select(func.count()).select_from(tables.sealed)).scalar()
    assert rows == 1
    for client in (field.client, coordinator.client, other_client):
        client.close()
    field.store.close()
    coordinator.store.close()


def test_revocation_takes_effect_on_every_process(
    hub: Hub, live: LiveHub, twin: LiveHub, tmp_path: Path
) -> None:
    device = enroll(hub, live.url, tmp_path / "a")
    other_client = connect(twin.url)
    SyncEngine(device.store, other_client).run_once()  # the twin now caches its key
    identity = load_identity(device.store)
    assert identity is not None
    revoke(hub.db, hub.keys, identity.device, now_ms=now_ms())
    with pytest.raises(DeviceRevoked):
        SyncEngine(device.store, other_client).run_once()
    other_client.close()
    device.client.close()
    device.store.close()


def test_demo_command_creates_an_org_prints_a_code_and_serves(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "PARLEY_HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "PATH": "",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "hub", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if (
                    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code
                    == 200
                ):
                    break
            except httpx.TransportError:
                time.sleep(0.1)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    text = out.decode()
    assert "demo organisation created" in text
    assert "enrollment code" in text and f"127.0.0.1:{port}" in text
