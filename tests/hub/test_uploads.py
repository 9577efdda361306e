"""Resumable uploads: a batch sent in pieces is stored from the last byte held and
applied exactly once, and only when every byte is there and matches its digest."""

from __future__ import annotations

import uuid

import pytest

from app.errors import AuthRequired
from app.sync import load_identity
from app.sync.identity import Identity, sign_request
from hub.errors import HubError
from hub.service import Hub, RequestInfo, Upload, now_ms
from models import Hlc
from models.wire import (
    MAX_BATCH_OPS,
    UPLOAD_PATH,
    UploadFrame,
    UploadRef,
    batch_digest,
)
from tests.hub.conftest import DeviceFactory
from tests.hub.support import registry_batch, row_counts


def _me(devices: DeviceFactory) -> Identity:
    identity = load_identity(devices("a").store)
    assert identity is not None
    return identity


def _batch(me: Identity, seq: int = 1, ops: int = MAX_BATCH_OPS) -> bytes:
    rows = [
        (
            i,
            "actor",
            uuid.uuid4().bytes,
            "name",
            f"Unit {i} of the northern brigade, " + "the one by the river " * 6,
            Hlc(1_700_000_000_000 + i, 0, "00000000000000aa").encode(),
        )
        for i in range(ops)
    ]
    return registry_batch(me, seq, rows)


def _start(hub: Hub, me: Identity, ref: UploadRef) -> tuple[Upload, UploadFrame]:
    auth = sign_request(
        me, method="POST", path=UPLOAD_PATH, body=ref.header().encode(), now_ms=now_ms()
    )
    return hub.upload_start(auth, UPLOAD_PATH, ref, RequestInfo())


def _ref(body: bytes, off: int = 0, seq: int = 1) -> UploadRef:
    return UploadRef(seq=seq, off=off, total=len(body), digest=batch_digest(body))


def test_a_batch_sent_in_pieces_is_applied_once_when_whole(
    devices: DeviceFactory, hub: Hub
) -> None:
    me = _me(devices)
    body = _batch(me)
    upload, first = _start(hub, me, _ref(body))
    assert first.held == 0 and not first.done
    third = len(body) // 3
    assert hub.upload_feed(upload, body[:third]).held == third
    assert row_counts(hub)["batches"] == 0
    assert hub.upload_feed(upload, body[third : 2 * third]).held == 2 * third
    last = hub.upload_feed(upload, body[2 * third :])
    assert last.done and last.ack is not None and last.ack.status == "applied"
    assert row_counts(hub)["batches"] == 1
    assert row_counts(hub)["reg_log"] == MAX_BATCH_OPS
    again, frame = _start(hub, me, _ref(body))
    del again
    assert frame.done and frame.ack is not None and frame.ack.status == "duplicate"
    assert row_counts(hub)["batches"] == 1


def test_a_new_attempt_learns_the_bytes_held_and_never_stores_them_twice(
    devices: DeviceFactory, hub: Hub
) -> None:
    me = _me(devices)
    body = _batch(me)
    upload, _ = _start(hub, me, _ref(body))
    hub.upload_feed(upload, body[:5000])  # then the link was cut
    upload, first = _start(hub, me, _ref(body, off=2000))
    assert first.held == 5000
    # The attempt resends bytes 2000..; the hub adds only what is new.
    assert hub.upload_feed(upload, body[5000:9000]).held == 9000
    _, ahead = _start(hub, me, _ref(body, off=20_000))
    assert ahead.held == 9000  # a gap: the device must resend from 9000
    upload, _ = _start(hub, me, _ref(body, off=9000))
    assert hub.upload_feed(upload, body[9000:]).done
    assert row_counts(hub)["reg_log"] == MAX_BATCH_OPS


def test_bytes_that_do_not_match_the_digest_are_dropped_and_nothing_applied(
    devices: DeviceFactory, hub: Hub
) -> None:
    me = _me(devices)
    body = _batch(me)
    damaged = body[:-1] + bytes([body[-1] ^ 1])
    upload, _ = _start(hub, me, _ref(body))
    frame = hub.upload_feed(upload, damaged)
    assert not frame.done and frame.held == 0
    assert row_counts(hub)["batches"] == 0
    upload, first = _start(hub, me, _ref(body))
    assert first.held == 0
    assert hub.upload_feed(upload, body).done


def test_an_upload_for_a_later_batch_number_gets_409(
    devices: DeviceFactory, hub: Hub
) -> None:
    me = _me(devices)
    body = _batch(me, seq=3)
    with pytest.raises(HubError) as caught:
        _start(hub, me, _ref(body, seq=3))
    assert caught.value.status == 409


def test_an_upload_larger_than_the_body_limit_is_refused(
    devices: DeviceFactory, hub: Hub
) -> None:
    me = _me(devices)
    huge = UploadRef(seq=1, off=0, total=hub.settings.max_body + 1, digest=bytes(32))
    with pytest.raises(HubError) as caught:
        _start(hub, me, huge)
    assert caught.value.status == 413


def test_a_device_streams_a_batch_over_http_and_hears_the_bytes_held(
    devices: DeviceFactory, hub: Hub
) -> None:
    device = devices("b")
    me = load_identity(device.store)
    assert me is not None
    body = _batch(me)
    ref = _ref(body)
    heard: list[UploadFrame] = []
    auth = sign_request(
        me, method="POST", path=UPLOAD_PATH, body=ref.header().encode(), now_ms=now_ms()
    )
    last = device.client.upload(ref, body, authorization=auth, on_frame=heard.append)
    assert last.done and last.ack is not None and last.ack.status == "applied"
    assert heard[0].held == 0
    assert row_counts(hub)["batches"] == 1
    stale = sign_request(
        me, method="POST", path=UPLOAD_PATH, body=b"other", now_ms=now_ms()
    )
    with pytest.raises(AuthRequired):
        device.client.upload(ref, body, authorization=stale, on_frame=heard.append)
