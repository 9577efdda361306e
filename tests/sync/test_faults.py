"""Faults on the way: links cut mid-request and mid-response, a hub killed mid-batch.

After every fault the device syncs again; no record is lost, none duplicated, none
skipped.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import HubUnreachable
from bench._hubproc import HubProcess
from bench._proxy import CutPlan, TcpProxy
from hub import tables
from hub.db import HubDb
from hub.service import Hub
from models import Contact
from models.enums import Role
from tests.hub.support import (
    ORG_PASSPHRASE,
    Device,
    LiveHub,
    database_for,
    enroll,
    enroll_with,
)


@pytest.fixture
def proxy(live: LiveHub) -> Iterator[TcpProxy]:
    """A TCP proxy in front of the live hub."""
    made = TcpProxy(live.port)
    yield made
    made.close()


def _record(device: Device, n: int, tag: str = "talk") -> None:
    for i in range(n):
        device.store.save(
            Contact(on=datetime.date(2024, 5, 1), notes=f"{tag} {i} " * 8)
        )


def _sealed_rows(db: HubDb) -> list[tuple[str, int]]:
    with db.read() as conn:
        rows = conn.execute(select(tables.sealed.c.device, tables.sealed.c.batch)).all()
    return [(row.device, row.batch) for row in rows]


@pytest.mark.parametrize("where", ["request", "response"])
def test_a_link_cut_mid_push_loses_and_duplicates_nothing(
    where: str, hub: Hub, proxy: TcpProxy, tmp_path: Path
) -> None:
    field = enroll(hub, proxy.url, tmp_path / "a")
    coordinator = enroll(hub, proxy.url, tmp_path / "c", role=Role.COORDINATOR)
    _record(field, 60)
    if where == "request":
        proxy.cut_next(CutPlan(upstream_after=1500))
    else:
        proxy.cut_next(CutPlan(downstream_after=40))
    with pytest.raises(HubUnreachable):
        field.sync()
    assert proxy.counters.cuts == 1
    assert len(_sealed_rows(hub.db)) == (0 if where == "request" else 1)
    assert field.store.pending_count() == 60
    field.sync()
    coordinator.sync()
    assert field.store.pending_count() == 0
    assert len(_sealed_rows(hub.db)) == 1
    assert len(coordinator.store.records(Contact)) == 60
    for device in (field, coordinator):
        device.client.close()
        device.store.close()


def test_a_link_cut_mid_pull_applies_the_page_once_when_retried(
    hub: Hub, proxy: TcpProxy, tmp_path: Path
) -> None:
    field = enroll(hub, proxy.url, tmp_path / "a")
    coordinator = enroll(hub, proxy.url, tmp_path / "c", role=Role.COORDINATOR)
    _record(field, 30)
    field.sync()
    proxy.cut_next(CutPlan(downstream_after=300))
    with pytest.raises(HubUnreachable):
        coordinator.sync()
    assert coordinator.store.records(Contact) == []
    report = coordinator.engine.run_once()
    assert report.sealed_applied == 30
    assert len(coordinator.store.records(Contact)) == 30
    for device in (field, coordinator):
        device.client.close()
        device.store.close()


@pytest.fixture(params=["sqlite", "postgres"])
def slow_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubProcess]:
    """A hub process that holds every push transaction open for 1.5 s."""
    with database_for(request.param, tmp_path) as url:
        proc = HubProcess(
            url,
            PARLEY_ORG_PASSPHRASE=ORG_PASSPHRASE,
            PARLEY_HUB_TEST_COMMIT_DELAY_MS="1500",
        )
        proc.cli("init", "--kdf-memory-kib", "8192")
        yield proc
        proc.stop()


def test_a_hub_killed_mid_batch_loses_and_duplicates_nothing(
    slow_hub: HubProcess, tmp_path: Path
) -> None:
    slow_hub.start()
    db = HubDb(slow_hub.database_url)
    field = enroll_with(db, slow_hub.url, tmp_path / "a")
    coordinator = enroll_with(db, slow_hub.url, tmp_path / "c", role=Role.COORDINATOR)
    _record(field, 40)
    failures: list[BaseException] = []

    def push() -> None:
        try:
            field.sync()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    pusher = threading.Thread(target=push)
    pusher.start()
    time.sleep(0.7)  # the batch is inside its transaction now
    slow_hub.kill()
    pusher.join(30)
    assert len(failures) == 1 and isinstance(failures[0], HubUnreachable)
    assert _sealed_rows(db) == []
    slow_hub.env["PARLEY_HUB_TEST_COMMIT_DELAY_MS"] = "0"
    slow_hub.start()
    field.sync()
    coordinator.sync()
    assert field.store.pending_count() == 0
    assert len(_sealed_rows(db)) == 1
    assert len(coordinator.store.records(Contact)) == 40
    for device in (field, coordinator):
        device.client.close()
        device.store.close()
    db.close()
