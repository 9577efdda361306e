"""The courier key (hub/courier.py): it pushes sealed batches and does nothing else.

What a thief of a locked phone holds is the courier key: these tests are what it
buys them. It delivers a batch the device sealed and signed while unlocked and
hears the acknowledgement; it cannot pull, push registry edits, push a batch of
its own making, use the resumable upload, or pass without the device's
certificate.
"""

from __future__ import annotations

import uuid

import httpx
import msgpack
import pytest

from app.store import Store
from app.sync import load_identity
from app.sync.courier import courier_authorization
from app.sync.identity import Identity
from app.sync.outbox import build_batch
from app.sync.private import PrivateSealer
from app.sync.queue import Card
from hub.service import Hub, now_ms
from models import Contact, Hlc
from models.keys import new_key, sign, signing_public
from models.wire import MEDIA_TYPE, Batch, SealedPart, seal_message
from models.wire.courier import COURIER_HEADER, courier_header, courier_message
from tests.hub.conftest import DeviceFactory
from tests.hub.support import answer, push_request, registry_batch, row_counts


def _card(identity: Identity, key: bytes, *, signer: bytes | None = None) -> Card:
    pub = signing_public(key)
    cert = sign(signer or identity.ed, courier_message(identity.device, pub))
    return Card(identity.base_url, identity.device, pub, cert, b"", 0)


def _post(http: httpx.Client, card: Card, key: bytes, body: bytes) -> httpx.Response:
    headers = {
        "authorization": courier_authorization(card, key, body, now_ms()),
        "content-type": MEDIA_TYPE,
        COURIER_HEADER: courier_header(card.pub, card.cert),
    }
    return http.post("/v1/sync", content=body, headers=headers)


def _sealed_batch(store: Store, identity: Identity, seq: int) -> bytes:
    contact = Contact(on="2024-05-01", notes="met at the bridge")
    saved = store.save(contact)
    frozen = build_batch(
        store,
        identity,
        [saved],
        seq=seq,
        ctx=0,
        max_bytes=8192,
        sealer=PrivateSealer(store, identity, now_ms=now_ms()),
    )
    assert frozen is not None
    return frozen.body


def _field(devices: DeviceFactory) -> tuple[Store, Identity]:
    device = devices("a")
    identity = load_identity(device.store)
    assert identity is not None
    return device.store, identity


def test_a_courier_key_delivers_a_sealed_batch_and_hears_its_ack(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    store, me = _field(devices)
    key = new_key()
    body = push_request(1, _sealed_batch(store, me, 1))
    first = answer(_post(http, _card(me, key), key, body))
    again = answer(_post(http, _card(me, key), key, body))
    assert first.ack is not None and first.ack.status == "applied"
    assert again.ack is not None and again.ack.status == "duplicate"
    assert row_counts(hub)["sealed"] == 1


@pytest.mark.parametrize("what", ["pull", "registry", "empty"])
def test_a_courier_key_cannot_pull_or_push_anything_but_a_sealed_batch(
    devices: DeviceFactory, hub: Hub, http: httpx.Client, what: str
) -> None:
    store, me = _field(devices)
    key = new_key()
    if what == "pull":
        body = push_request(1, _sealed_batch(store, me, 1), registry=0)
    elif what == "registry":
        ops = [(0, "actor", uuid.uuid4().bytes, "name", "Unit 4", _hlc())]
        body = push_request(1, registry_batch(me, 1, ops))
    else:
        body = push_request(1, registry_batch(me, 1, []))
    resp = _post(http, _card(me, key), key, body)
    assert resp.status_code == 403
    assert resp.json()["code"] == "courier_forbidden"
    assert row_counts(hub)["batches"] == 0


def _hlc() -> str:
    return Hlc(1_700_000_000_000, 0, "00000000000000aa").encode()


def test_a_courier_key_cannot_push_a_batch_it_sealed_itself(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    store, me = _field(devices)
    key = new_key()
    real = _sealed_batch(store, me, 1)
    batch = Batch.model_validate(msgpack.unpackb(real, raw=False))
    assert batch.sealed is not None
    part = batch.sealed
    message = seal_message(me.device, 1, part.ct, part.revs)
    forged = SealedPart(ct=part.ct, sig=sign(key, message), revs=part.revs)
    body = msgpack.packb(
        batch.model_copy(update={"sealed": forged}).dump(), use_bin_type=True
    )
    resp = _post(http, _card(me, key), key, push_request(1, body))
    assert resp.status_code == 400
    assert resp.json()["code"] == "bad_batch_signature"
    assert row_counts(hub)["sealed"] == 0


def test_a_courier_key_without_the_device_certificate_is_refused(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    store, me = _field(devices)
    key = new_key()
    body = push_request(1, _sealed_batch(store, me, 1))
    self_signed = _card(me, key, signer=key)
    resp = _post(http, self_signed, key, body)
    assert resp.status_code == 401 and resp.json()["code"] == "bad_courier"
    # A certified courier key signing without its header is a bad signature.
    headers = {
        "authorization": courier_authorization(_card(me, key), key, body, now_ms()),
        "content-type": MEDIA_TYPE,
    }
    resp = http.post("/v1/sync", content=body, headers=headers)
    assert resp.status_code == 401 and resp.json()["code"] == "bad_signature"
    assert row_counts(hub)["sealed"] == 0
