"""Hub-signed material on the device: wipe commands and guidance packs."""

from __future__ import annotations

import datetime
import json

import httpx
import pytest
from sqlalchemy import select, update

from app.errors import ContentError, DeviceRevoked
from app.sync import HubClient, SyncEngine
from app.sync.identity import load_identity, sign_request
from app.sync.packs import verify_offer
from hub import tables
from hub.devices import revoke, wipe
from hub.packs import publish
from hub.service import Hub, now_ms
from models import Contact
from models.keys import new_key
from models.wire import (
    COMMAND_CONTEXT,
    PACK_CONTEXT,
    Command,
    PackManifest,
    PackOffer,
    b64e,
    pack_signed,
    sign_model,
)
from tests.sync.conftest import DeviceFactory


class FakeInstaller:
    """Stands in for the guidance service: keeps what it was given."""

    def __init__(self) -> None:
        self.version = 0
        self.data = b""

    def installed_version(self) -> int:
        return self.version

    def install(self, *, version: int, data: bytes) -> None:
        if data.startswith(b"BROKEN"):
            raise ContentError("pack_format")
        self.version, self.data = version, data


def test_revoked_device_verifies_the_wipe_and_crypto_erases(
    devices: DeviceFactory, hub: Hub
) -> None:
    device = devices("a")
    device.store.save(Contact(on=datetime.date(2024, 5, 1), notes="to be erased"))
    identity = load_identity(device.store)
    assert identity is not None
    revoke(hub.db, hub.keys, identity.device, now_ms=now_ms())
    with pytest.raises(DeviceRevoked):
        device.sync()
    assert not device.vault.exists()
    assert not device.vault.db_path.exists()


def test_wipe_command_in_a_sync_answer_erases_and_revokes(
    devices: DeviceFactory, hub: Hub
) -> None:
    device = devices("a")
    identity = load_identity(device.store)
    assert identity is not None
    wipe(hub.db, hub.keys, identity.device, now_ms=now_ms())
    with pytest.raises(DeviceRevoked):
        device.sync()
    assert not device.vault.exists()
    with hub.db.read() as conn:
        status = conn.execute(
            select(tables.devices.c.status).where(
                tables.devices.c.id == identity.device
            )
        ).scalar()
    assert status == "revoked"


def test_a_wipe_command_not_signed_by_the_pinned_key_is_ignored(
    devices: DeviceFactory,
) -> None:
    device = devices("a")
    identity = load_identity(device.store)
    assert identity is not None
    forged = sign_model(
        new_key(),
        Command(device=identity.device, kind="wipe", n=1, at=now_ms()),
        context=COMMAND_CONTEXT,
    )
    body = {
        "status": 403,
        "code": "device_revoked",
        "command": b64e(pack_signed(forged)),
    }

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, content=json.dumps(body).encode())

    client = HubClient(
        httpx.Client(transport=httpx.MockTransport(handler)), "http://hub"
    )
    with pytest.raises(DeviceRevoked):
        SyncEngine(device.store, client, on_wipe=device.vault.wipe).run_once()
    assert device.vault.exists()


def _engine(device: object, installer: FakeInstaller) -> SyncEngine:
    return SyncEngine(device.store, device.client, installer=installer)  # type: ignore[attr-defined]


def test_published_packs_install_in_order(devices: DeviceFactory, hub: Hub) -> None:
    device, installer = devices("a"), FakeInstaller()
    publish(hub.db, hub.keys, b"pack one", version=None, now_ms=now_ms())
    assert _engine(device, installer).run_once().pack_installed == 1
    publish(hub.db, hub.keys, b"pack two", version=None, now_ms=now_ms())
    report = _engine(device, installer).run_once()
    assert (report.pack_installed, installer.data) == (2, b"pack two")
    assert _engine(device, installer).run_once().pack_installed is None


def test_a_pack_whose_bytes_do_not_match_the_signed_manifest_is_refused(
    devices: DeviceFactory, hub: Hub
) -> None:
    device, installer = devices("a"), FakeInstaller()
    publish(hub.db, hub.keys, b"genuine guidance", version=None, now_ms=now_ms())
    with hub.db.write() as conn:
        conn.execute(update(tables.packs).values(body=b"tampered guidance"))
    report = _engine(device, installer).run_once()
    assert report.pack_error == "digest_mismatch" and installer.version == 0


def test_a_pack_the_guidance_service_refuses_keeps_the_installed_one(
    devices: DeviceFactory, hub: Hub
) -> None:
    device, installer = devices("a"), FakeInstaller()
    publish(hub.db, hub.keys, b"BROKEN pack", version=None, now_ms=now_ms())
    report = _engine(device, installer).run_once()
    assert report.pack_error == "pack_format" and installer.version == 0
    again = _engine(device, installer).run_once()
    assert again.pack_error is None and again.requests == 1  # not downloaded again
    publish(hub.db, hub.keys, b"fixed pack", version=None, now_ms=now_ms())
    assert _engine(device, installer).run_once().pack_installed == 2


def test_pack_offers_must_be_newer_and_signed_by_the_publishing_key(
    devices: DeviceFactory, hub: Hub
) -> None:
    identity = load_identity(devices("a").store)
    assert identity is not None
    manifest = PackManifest(version=3, sha256=b"x" * 32, size=1, at=0)
    good = PackOffer(
        manifest=sign_model(hub.keys.publish_sk, manifest, context=PACK_CONTEXT),
        version=3,
    )
    assert verify_offer(identity, good, installed=2).version == 3
    with pytest.raises(ContentError, match="older_version"):
        verify_offer(identity, good, installed=3)
    forged = PackOffer(
        manifest=sign_model(new_key(), manifest, context=PACK_CONTEXT), version=3
    )
    with pytest.raises(ContentError, match="bad_signature"):
        verify_offer(identity, forged, installed=0)
    by_command_key = PackOffer(
        manifest=sign_model(hub.keys.command_sk, manifest, context=PACK_CONTEXT),
        version=3,
    )
    with pytest.raises(ContentError, match="bad_signature"):
        verify_offer(identity, by_command_key, installed=0)


def test_a_revoked_device_cannot_download_packs(
    devices: DeviceFactory, hub: Hub
) -> None:
    device = devices("a")
    identity = load_identity(device.store)
    assert identity is not None
    publish(hub.db, hub.keys, b"guidance", version=None, now_ms=now_ms())
    device.sync()  # the hub process now knows this device's key
    revoke(hub.db, hub.keys, identity.device, now_ms=now_ms())
    auth = sign_request(
        identity, method="GET", path="/v1/packs/1", body=b"", now_ms=now_ms()
    )
    with pytest.raises(DeviceRevoked):
        device.client.download("/v1/packs/1", authorization=auth)
