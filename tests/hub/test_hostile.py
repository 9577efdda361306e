"""Hostile input gets a 4xx with the JSON error body, stores nothing, and the hub
keeps serving."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx
import msgpack
import pytest
import zstandard

from app.sync import load_identity
from app.sync.identity import Identity, sign_request
from hub.devices import revoke
from hub.service import Hub, now_ms
from models import Hlc
from models.keys import new_key, sign
from models.wire import (
    COMMAND_CONTEXT,
    MEDIA_TYPE,
    Batch,
    Command,
    Push,
    SealedPart,
    SyncRequest,
    b64d,
    open_signed,
    unpack_signed,
)
from tests.hub.conftest import DeviceFactory
from tests.hub.support import (
    LiveHub,
    answer,
    enroll,
    post_sync,
    push_request,
    registry_batch,
    row_counts,
    sync_body,
)

Attack = Callable[[httpx.Client, Identity, Hub], httpx.Response]


RECORD = uuid.uuid4().bytes


def _ops() -> list[object]:
    return [(0, "actor", RECORD, "name", "Unit 4", Hlc(1, 0, "0" * 16).encode())]


def _legit(identity: Identity) -> bytes:
    return push_request(1, registry_batch(identity, 1, _ops()), registry=0)


def _raw(http: httpx.Client, identity: Identity, body: bytes) -> httpx.Response:
    return post_sync(http, identity, body)


def unsigned(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    return http.post(
        "/v1/sync", content=_legit(me), headers={"content-type": MEDIA_TYPE}
    )


def forged(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    impostor = replace(me, ed=new_key())
    return post_sync(http, impostor, _legit(me))


def tampered(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    body = _legit(me)
    auth = sign_request(me, method="POST", path="/v1/sync", body=body, now_ms=now_ms())
    other = push_request(1, registry_batch(me, 1, _ops()), sealed=0)
    return http.post("/v1/sync", content=other, headers={"authorization": auth})


def replayed(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    body = sync_body(SyncRequest(pull={"registry": 0}))
    auth = sign_request(me, method="POST", path="/v1/sync", body=body, now_ms=now_ms())
    headers = {"authorization": auth, "content-type": MEDIA_TYPE}
    assert http.post("/v1/sync", content=body, headers=headers).status_code == 200
    return http.post("/v1/sync", content=body, headers=headers)


def expired(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    return post_sync(http, me, _legit(me), ts=now_ms() - 10 * 60 * 1000)


def unknown_device(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    return post_sync(http, replace(me, device=uuid.uuid4().hex), _legit(me))


def unknown_stream(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    return _raw(http, me, sync_body(SyncRequest(pull={"everything": 0})))


def sealed_stream_for_field_device(
    http: httpx.Client, me: Identity, hub: Hub
) -> httpx.Response:
    return _raw(http, me, sync_body(SyncRequest(pull={"sealed": 0})))


def malformed_msgpack(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    return _raw(
        http, me, zstandard.ZstdCompressor().compress(b"\xc1\xc1\xff not msgpack")
    )


def not_zstd(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    return _raw(http, me, b"hello, hub")


def wrong_shape(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    return _raw(
        http, me, zstandard.ZstdCompressor().compress(msgpack.packb({"push": "x"}))
    )


def malformed_batch(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    body = sync_body(SyncRequest(push=Push(seq=1, batch=b"\x93\x01")))
    return _raw(http, me, body)


def forged_sealed_part(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    part = SealedPart(ct=b"\x00" * 64, sig=sign(new_key(), b"whatever"))
    batch = Batch(device=me.device, seq=1, sealed=part)
    packed = msgpack.packb(batch.dump(), use_bin_type=True)
    return _raw(http, me, push_request(1, packed))


def oversized(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    return _raw(http, me, b"\x00" * (hub.settings.max_body + 1))


def oversized_chunked(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    body = b"\x00" * (hub.settings.max_body + 1)
    auth = sign_request(me, method="POST", path="/v1/sync", body=body, now_ms=now_ms())
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    return http.post("/v1/sync", content=chunks, headers={"authorization": auth})


def zstd_bomb(http: httpx.Client, me: Identity, hub: Hub) -> httpx.Response:
    bomb = zstandard.ZstdCompressor(level=19).compress(
        b"\x00" * (hub.settings.max_plain * 2)
    )
    assert len(bomb) < 10_000
    return _raw(http, me, bomb)


EXPECTED: dict[Attack, tuple[int, str]] = {
    unsigned: (401, "unsigned"),
    forged: (401, "bad_signature"),
    tampered: (401, "bad_signature"),
    replayed: (401, "replay"),
    expired: (401, "stale_request"),
    unknown_device: (401, "unknown_device"),
    unknown_stream: (400, "unknown_stream"),
    sealed_stream_for_field_device: (403, "stream_forbidden"),
    malformed_msgpack: (400, "malformed"),
    not_zstd: (400, "malformed"),
    wrong_shape: (400, "malformed"),
    malformed_batch: (400, "malformed_batch"),
    forged_sealed_part: (400, "bad_batch_signature"),
    oversized: (413, "body_too_large"),
    oversized_chunked: (413, "body_too_large"),
    zstd_bomb: (413, "too_large"),
}


@pytest.fixture(scope="module")
def target(
    shared_hub: tuple[Hub, LiveHub], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Hub, httpx.Client, Identity]]:
    """One hub, one HTTP client and one enrolled field device for every attack."""
    hub, live = shared_hub
    device = enroll(hub, live.url, tmp_path_factory.mktemp("device"))
    me = load_identity(device.store)
    assert me is not None
    with httpx.Client(base_url=live.url, timeout=10) as http:
        yield hub, http, me
    device.client.close()
    device.store.close()


@pytest.mark.parametrize("attack", list(EXPECTED), ids=lambda a: a.__name__)
def test_hostile_request_is_refused_stores_nothing_and_hub_keeps_serving(
    attack: Attack, target: tuple[Hub, httpx.Client, Identity]
) -> None:
    hub, http, me = target
    before = row_counts(hub)
    resp = attack(http, me, hub)
    status, code = EXPECTED[attack]
    assert (resp.status_code, resp.json()["code"]) == (status, code)
    assert {"status", "code", "message"} <= set(resp.json())
    assert row_counts(hub) == before
    assert http.get("/healthz").status_code == 200
    ack = answer(post_sync(http, me, _legit(me))).ack
    assert ack is not None and ack.seq == 1


def test_stale_request_answer_carries_the_hub_clock(
    target: tuple[Hub, httpx.Client, Identity],
) -> None:
    hub, http, me = target
    resp = expired(http, me, hub)
    assert abs(resp.json()["server_time"] - now_ms()) < 60_000


def test_revoked_device_gets_403_with_a_signed_wipe_command(
    devices: DeviceFactory, hub: Hub, http: httpx.Client
) -> None:
    me = load_identity(devices("a").store)
    assert me is not None
    revoke(hub.db, hub.keys, me.device, now_ms=now_ms())
    before = row_counts(hub)
    resp = _raw(http, me, _legit(me))
    assert resp.status_code == 403 and resp.json()["code"] == "device_revoked"
    signed = unpack_signed(b64d(resp.json()["command"]))
    command = open_signed(
        hub.keys.command_pub, signed, Command, context=COMMAND_CONTEXT
    )
    assert (command.kind, command.device) == ("wipe", me.device)
    assert row_counts(hub) == before
    assert http.get("/healthz").status_code == 200
