"""Sync while locked (app/services/courier, app/sync/queue, app/sync/courier).

Contacts saved while unlocked are sealed into the send queue at once; after the
app locks, the courier pushes them to the real hub over HTTP with its push-only
key and keeps the acknowledgements, which the next unlock applies. The queue
holds nothing readable, has one size whatever it holds, and dies with a wipe or
a duress unlock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import msgpack
import pytest
from sqlalchemy import select

from app.services import ActorForm, ContactForm, Services, VaultGate, open_services
from app.services.courier import Courier, queue_of
from app.store import FileSecrets, Vault
from app.store.sendqueue import FLOOR, QUEUE_KEY
from app.sync import load_identity
from app.sync.queue import COURIER_SECRET
from hub import tables
from hub.devices import wipe
from hub.enrollment import create_code
from hub.service import Hub, now_ms
from models import Contact
from models.enums import Role
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.hub.fixtures import DeviceFactory
from tests.hub.support import LiveHub
from tests.store.test_plaintext import MARKER, encodings, leaks

DURESS = "a different passphrase"


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(
        tmp_path / "vault",
        secrets=FileSecrets(tmp_path / "device" / "p.bin"),
        kdf=FAST_KDF,
    )


@pytest.fixture
def courier(vault: Vault) -> Iterator[Courier]:
    made = Courier(vault)
    yield made
    made.close()


@pytest.fixture
def gate(vault: Vault, courier: Courier) -> VaultGate:
    """The app's wiring: every session seals for the one courier."""
    return VaultGate(vault, partial(open_services, courier=courier))


def _enrolled(gate: VaultGate, hub: Hub, live: LiveHub) -> Services:
    """A new vault enrolled with the live hub; its own sync never started."""
    services = gate.create(PASSPHRASE, PASSPHRASE)
    code = create_code(
        hub.db, team="north", role=Role.FIELD, ttl_ms=3_600_000, now_ms=now_ms()
    )
    services.enroll.connect(address=live.url, code=code)
    return services


def _save(services: Services, n: int = 1) -> None:
    for i in range(n):
        services.contacts.save(ContactForm(on="2024-05-01", notes=f"{MARKER} {i}"))


def _sealed_at_hub(hub: Hub, device: str) -> list[bytes]:
    with hub.db.read() as conn:
        rows = conn.execute(
            select(tables.sealed.c.ct).where(tables.sealed.c.device == device)
        ).all()
    return [bytes(r.ct) for r in rows]


def _until(check: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def _all_acked(vault: Vault) -> bool:
    content = queue_of(vault).load() or {"out": [None], "acks": []}
    acked = {int(a[0]) for a in content["acks"]}
    return bool(content["out"]) and all(int(e[0]) in acked for e in content["out"])


def test_contacts_saved_then_locked_reach_the_hub_while_the_app_stays_locked(
    gate: VaultGate,
    courier: Courier,
    hub: Hub,
    live: LiveHub,
    vault: Vault,
    devices: DeviceFactory,
    tmp_path: Path,
) -> None:
    services = _enrolled(gate, hub, live)
    identity = load_identity(services._store)
    assert identity is not None
    _save(services, 3)
    assert services.sync.status().pending == 3  # its own sync never ran
    services.close()  # locked: only the courier can send now

    assert _until(lambda: _all_acked(vault))  # acks kept in the queue
    assert not courier.paused  # nothing was unlocked meanwhile
    held = _sealed_at_hub(hub, identity.device)
    assert held and not any(enc in ct for ct in held for enc in encodings(MARKER))
    assert leaks(tmp_path) == []  # still locked: vault, queue, secrets, hub
    coordinator = devices("coord", role=Role.COORDINATOR)
    coordinator.sync()
    notes = sorted(c.notes for c in coordinator.store.records(Contact))
    assert notes == [f"{MARKER} {i}" for i in range(3)]

    live.stop(wait=True)  # offline at unlock: the stored acks alone say "sent"
    again = gate.unlock(PASSPHRASE)
    try:
        assert again.sync.status().pending == 0
        assert again._store.pending_records() == set()
        content = queue_of(vault).load()
        assert content is not None and content["out"] == [] and content["acks"] == []
    finally:
        again.close()


def test_the_session_sends_queued_batches_itself_when_unlocked(
    gate: VaultGate, hub: Hub, live: LiveHub
) -> None:
    services = _enrolled(gate, hub, live)
    identity = load_identity(services._store)
    assert identity is not None
    try:
        _save(services, 2)
        assert _until(lambda: bool(services._store.get_meta("sync.queued")))
        queued = len(services._store.get_meta("sync.queued"))
        services.sync.sync_now()
        assert _until(lambda: services.sync.status().pending == 0)
        assert services.sync.wait_idle(20)
        assert len(_sealed_at_hub(hub, identity.device)) == queued
        assert services._store.get_meta("sync.queued") is None
        # Later contacts still go, numbered after the queued batches.
        services.actors.save(ActorForm(name="Checkpoint commander"))
        _save(services, 1)
        services.sync.sync_now()
        assert _until(lambda: len(_sealed_at_hub(hub, identity.device)) > queued)
        assert _until(lambda: services.sync.status().pending == 0)
        assert services.sync.status().last_failure is None
    finally:
        services.close()


def test_the_send_queue_holds_nothing_readable_even_with_its_key(
    gate: VaultGate,
    courier: Courier,
    hub: Hub,
    live: LiveHub,
    vault: Vault,
    tmp_path: Path,
) -> None:
    live.stop(wait=True)  # nothing leaves: the queue keeps everything
    services = _enrolled_offline(gate, hub, live)
    identity = load_identity(services._store)
    assert identity is not None
    _save(services, 5)
    services.close()
    courier.close()

    assert leaks(tmp_path) == []  # the disk: vault, queue, device secrets
    # Someone who also took the queue key from the phone's keystore:
    content = queue_of(vault).load()
    assert content is not None and len(content["out"]) >= 1
    packed = msgpack.packb(content, use_bin_type=True)
    assert not any(enc in packed for enc in encodings(MARKER))
    # ...finds no key that opens anything or speaks for the device in full.
    assert identity.ed not in packed and identity.x not in packed
    courier_key = vault.secrets.get(COURIER_SECRET)
    assert courier_key is not None and courier_key != identity.ed


def _enrolled_offline(gate: VaultGate, hub: Hub, live: LiveHub) -> Services:
    """Enroll through a second server on the same hub, then leave it stopped."""
    other = LiveHub(hub)
    try:
        return _enrolled(gate, hub, other)
    finally:
        other.stop(wait=True)


def test_the_send_queue_has_one_size_however_much_it_holds(
    gate: VaultGate, courier: Courier, hub: Hub, live: LiveHub, vault: Vault
) -> None:
    live.stop(wait=True)
    services = _enrolled_offline(gate, hub, live)
    path = queue_of(vault).path
    try:
        _save(services, 1)
        assert _until(lambda: services._store.get_meta("sync.queued") is not None)
        one = path.stat().st_size
        _save(services, 40)
        assert _until(
            lambda: (
                sum(len(e[2]) for e in services._store.get_meta("sync.queued") or [])
                == 41
            )
        )
        assert path.stat().st_size == one == FLOOR
    finally:
        services.close()


def test_a_wipe_destroys_the_send_queue_and_its_keys(
    gate: VaultGate, courier: Courier, hub: Hub, live: LiveHub, vault: Vault
) -> None:
    live.stop(wait=True)
    services = _enrolled_offline(gate, hub, live)
    _save(services, 2)
    services.close()
    path = queue_of(vault).path
    assert path.exists()
    vault.wipe()
    assert not path.exists()
    assert vault.secrets.get(QUEUE_KEY) is None
    assert vault.secrets.get(COURIER_SECRET) is None
    assert courier.run_once().sent == 0


def test_a_duress_unlock_destroys_the_send_queue_before_anything_is_sent(
    gate: VaultGate, courier: Courier, hub: Hub, live: LiveHub, vault: Vault
) -> None:
    services = _enrolled(gate, hub, live)
    identity = load_identity(services._store)
    assert identity is not None
    services.security.set_duress(passphrase=PASSPHRASE, duress=DURESS, confirm=DURESS)
    courier.pause()  # hold the courier, as if the phone were offline
    _save(services, 2)
    services.close()
    decoy = gate.unlock(DURESS)
    try:
        assert vault.secrets.get(QUEUE_KEY) is None
        assert vault.secrets.get(COURIER_SECRET) is None
        assert queue_of(vault).load() is None
    finally:
        decoy.close()
    courier.resume()
    assert courier.run_once().sent == 0
    assert _sealed_at_hub(hub, identity.device) == []


def test_a_wipe_ordered_by_the_hub_while_locked_is_obeyed_by_the_courier(
    gate: VaultGate, courier: Courier, hub: Hub, live: LiveHub, vault: Vault
) -> None:
    services = _enrolled(gate, hub, live)
    identity = load_identity(services._store)
    assert identity is not None
    courier.pause()  # hold it until the hub has ordered the wipe
    _save(services, 1)
    services.close()
    wipe(hub.db, hub.keys, identity.device, now_ms=now_ms())
    heard: list[bool] = []
    courier.on_wipe(lambda: heard.append(True))
    courier.resume()
    assert _until(lambda: heard == [True])
    assert not gate.exists()
    assert vault.secrets.get(COURIER_SECRET) is None
    assert courier.run_once().sent == 0
