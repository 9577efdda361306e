"""The app's sync wiring (app/services/hublink, hubpacks, open_services) on a live hub.

Sync starts by itself for an enrolled vault; locking never waits on the network;
two sessions of one vault never run at once; a hub-signed wipe erases the vault
and says so; a pack published at the hub goes through the guidance installer.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest

from app.main import build_gate
from app.services import (
    ContactForm,
    HubPacks,
    Services,
    SyncState,
    VaultGate,
    open_services,
)
from app.services.guidance import bundled_pack_dir
from app.services.hublink import VaultSync, stop_in_background
from app.settings import Settings
from app.store import FileSecrets, KdfParams, Vault
from app.sync import HubClient
from hub.devices import wipe
from hub.enrollment import create_code
from hub.packs import publish
from hub.service import Hub, now_ms
from models import Contact
from models.enums import Role
from tests.conftest import FAST_KDF
from tests.hub.support import LiveHub
from tests.services.test_hubpacks import pack_bytes

PASSPHRASE = "device passphrase here"


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(
        tmp_path / "vault",
        secrets=FileSecrets(tmp_path / "device" / "p.bin"),
        kdf=KdfParams(8 * 1024, 1, 1),
    )


@pytest.fixture
def gate(vault: Vault, tmp_path: Path) -> VaultGate:
    return VaultGate(vault, partial(open_services, packs_dir=tmp_path / "packs"))


@pytest.fixture
def enrolled(gate: VaultGate, hub: Hub, live: LiveHub) -> Iterator[Services]:
    """A vault enrolled with the live hub; its first sync done."""
    services = gate.create(PASSPHRASE, PASSPHRASE)
    code = create_code(
        hub.db, team="north", role=Role.FIELD, ttl_ms=3_600_000, now_ms=now_ms()
    )
    services.enroll.connect(address=live.url, code=code)
    services.sync.sync_now()
    assert services.sync.wait_idle(20)
    yield services
    services.close()


def _sync_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "parley-sync"}


@pytest.fixture
def threads_before() -> set[threading.Thread]:
    """Sync threads other tests left (taken before ``enrolled`` starts one)."""
    return _sync_threads()


def test_unlocking_an_enrolled_vault_starts_sync_and_locking_stops_it(
    threads_before: set[threading.Thread], enrolled: Services, gate: VaultGate
) -> None:
    enrolled.contacts.save(_form())
    mine = _sync_threads() - threads_before
    assert len(mine) == 1
    enrolled.close()
    for thread in mine:
        thread.join(20)
        assert not thread.is_alive()
    again = gate.unlock(PASSPHRASE)
    try:
        assert again.sync.wait_idle(20)
        status = again.sync.status()
        assert status.progress is not None and status.progress.done  # ran by itself
        assert status.pending == 0 and status.last_success is not None
    finally:
        again.close()


def test_a_vault_not_enrolled_starts_no_sync_thread(gate: VaultGate) -> None:
    before = _sync_threads()
    services = gate.create(PASSPHRASE, PASSPHRASE)
    try:
        assert services.sync.status().state is SyncState.NOT_ENROLLED
        assert not (_sync_threads() - before)
    finally:
        services.close()


class HeldClient(HubClient):
    """Holds every sync request until released; counts requests in flight."""

    def __init__(
        self, url: str, held: threading.Event, entered: threading.Event
    ) -> None:
        super().__init__(httpx.Client(timeout=30), url)
        self.held, self.entered = held, entered
        self.inflight = 0
        self.most = 0
        self.lock = threading.Lock()

    def sync(self, body: bytes, *, authorization: str) -> bytes:
        with self.lock:
            self.inflight += 1
            self.most = max(self.most, self.inflight)
        self.entered.set()
        try:
            assert self.held.wait(30)
            return super().sync(body, authorization=authorization)
        finally:
            with self.lock:
                self.inflight -= 1


def test_locking_returns_at_once_while_a_sync_request_is_in_flight(
    enrolled: Services, vault: Vault, live: LiveHub
) -> None:
    enrolled.close()
    held, entered = threading.Event(), threading.Event()
    store = vault.unlock(PASSPHRASE)
    client = HeldClient(live.url, held, entered)
    service = VaultSync(store, vault_root=vault.root, connect=lambda _: client)
    store.save(Contact(on=datetime.date(2024, 5, 1), notes="on its way"))
    service.sync_now()
    assert entered.wait(20)
    stop_in_background(service)  # what Services.close() does
    store.close()
    assert not held.is_set()  # we got here with the request still held
    held.set()
    assert service.wait_idle(20)
    assert service.status().state in (SyncState.FAILED, SyncState.IDLE)


def test_two_sessions_of_one_vault_never_sync_at_once(
    enrolled: Services, vault: Vault, live: LiveHub
) -> None:
    enrolled.close()
    held, entered = threading.Event(), threading.Event()
    client = HeldClient(live.url, held, entered)
    stores = [vault.unlock(PASSPHRASE), vault.unlock(PASSPHRASE)]
    first, second = (
        VaultSync(s, vault_root=vault.root, connect=lambda _: client) for s in stores
    )
    stores[0].save(Contact(on=datetime.date(2024, 5, 1), notes="first tab"))
    stores[1].save(Contact(on=datetime.date(2024, 5, 2), notes="second tab"))
    runs = [threading.Thread(target=s.run_blocking) for s in (first, second)]
    runs[0].start()
    assert entered.wait(20)
    runs[1].start()
    runs[1].join(0.5)  # time for the second run to overlap, were it allowed to
    held.set()
    for run in runs:
        run.join(30)
    assert client.most == 1
    assert stores[0].pending_count() == 0 and stores[1].pending_count() == 0
    for store in stores:
        store.close()
    client.close()


def test_a_wipe_command_erases_the_vault_and_tells_the_session(
    enrolled: Services, gate: VaultGate, hub: Hub
) -> None:
    heard: list[bool] = []
    enrolled.remote_wipe.subscribe(lambda: heard.append(True))
    enrollment = enrolled.enroll.enrollment()
    assert enrollment is not None
    wipe(hub.db, hub.keys, enrollment.device, now_ms=now_ms())
    enrolled.sync.sync_now()
    assert enrolled.sync.wait_idle(20)
    assert heard == [True]
    assert not enrolled.is_open
    assert not gate.exists()
    assert enrolled.sync.status().state is SyncState.REVOKED


def test_a_pack_published_at_the_hub_is_installed_through_the_guidance_installer(
    enrolled: Services, hub: Hub, tmp_path: Path
) -> None:
    publish(hub.db, hub.keys, pack_bytes(2), version=2, now_ms=now_ms())
    enrolled.sync.sync_now()
    assert enrolled.sync.wait_idle(20)
    report = enrolled.sync.status().progress
    assert report is not None and report.pack_installed == 2
    assert enrolled.guidance.library.info.version == 2  # this session reads it now
    installed = HubPacks.create(tmp_path / "packs", bundled=bundled_pack_dir())
    assert installed.installed_version() == 2
    # A pack whose pack.toml disagrees with the signed version is refused, once.
    publish(hub.db, hub.keys, pack_bytes(4), version=3, now_ms=now_ms())
    enrolled.sync.sync_now()
    assert enrolled.sync.wait_idle(20)
    report = enrolled.sync.status().progress
    assert report is not None and report.pack_error == "version_mismatch:pack.toml"
    assert installed.installed_version() == 2


def _form() -> ContactForm:
    return ContactForm(on="2024-05-01", notes="before the lock")


def test_the_app_gives_a_pack_from_the_hub_to_sessions_opened_later(
    hub: Hub, live: LiveHub, tmp_path: Path
) -> None:
    gate = build_gate(Settings(data_dir=tmp_path / "data"), kdf=FAST_KDF)
    first = gate.create(PASSPHRASE, PASSPHRASE)
    code = create_code(
        hub.db, team="north", role=Role.FIELD, ttl_ms=3_600_000, now_ms=now_ms()
    )
    first.enroll.connect(address=live.url, code=code)
    publish(hub.db, hub.keys, pack_bytes(2), version=2, now_ms=now_ms())
    first.sync.sync_now()
    assert first.sync.wait_idle(20)
    first.close()
    second = gate.unlock(PASSPHRASE)
    try:
        assert second.guidance.library.info.version == 2
    finally:
        second.close()
