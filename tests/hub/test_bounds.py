"""A bounded hub: every route's body limited while it is read, slow senders cut,
registry ops capped per request, failed enrollments throttled per address."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.sync import load_identity
from app.sync.enroll import enroll_request
from hub.service import Hub
from models import Actor, Hlc
from models.keys import new_key
from tests.hub.conftest import DeviceFactory
from tests.hub.support import (
    LiveHub,
    answer,
    drip,
    make_hub,
    post_sync,
    push_request,
    registry_batch,
    row_counts,
)

# Every route, with a method it has and one it has not.
ROUTES = [
    ("POST", "/v1/sync"),
    ("POST", "/v1/enroll"),
    ("GET", "/healthz"),
    ("GET", "/v1/hello"),
    ("GET", "/v1/packs/1"),
    ("PUT", "/v1/sync"),
    ("POST", "/healthz"),
    ("POST", "/v1/nowhere"),
]
# Settings for a hub whose deadlines a test can wait out.
QUICK = {
    "header_timeout_ms": 1000,
    "body_grace_ms": 1000,
    "body_idle_ms": 1000,
    "enroll_failures_per_min": 10,
}
# A hang detector for the slow-sender tests: far above the deadlines, never a
# measure of them.
HANG_S = 20.0


@pytest.fixture
def quick(database_url: str) -> Iterator[tuple[Hub, LiveHub]]:
    """A live hub with one-second header and body deadlines."""
    made = make_hub(database_url, **QUICK)
    server = LiveHub(made)
    yield made, server
    server.stop()
    made.close()


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"\x00" * min(size, total - sent)
        sent += size


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=lambda v: str(v))
def test_a_chunked_body_past_the_limit_gets_413_on_every_route(
    hub: Hub, live: LiveHub, method: str, path: str
) -> None:
    body = _chunks(hub.settings.max_body * 4)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        resp = http.request(method, path, content=body)
        assert resp.status_code == 413
        assert resp.json()["code"] == "body_too_large"
        assert http.get("/healthz").status_code == 200


def test_a_chunked_upload_is_refused_for_want_of_a_length(
    hub: Hub, live: LiveHub
) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as http:
        resp = http.post("/v1/upload", content=_chunks(4 * 1024 * 1024))
        assert (resp.status_code, resp.json()["code"]) == (411, "length_required")


def test_a_declared_length_past_an_enrollment_body_is_refused_unread(
    hub: Hub, live: LiveHub
) -> None:
    with httpx.Client(base_url=live.url, timeout=30) as http:
        resp = http.post("/v1/enroll", content=b"{" * (64 * 1024))
        assert (resp.status_code, resp.json()["code"]) == (413, "body_too_large")


def test_a_body_sent_a_byte_at_a_time_is_cut_with_408(
    quick: tuple[Hub, LiveHub],
) -> None:
    _, live = quick
    head = (
        b"POST /v1/sync HTTP/1.1\r\nhost: hub\r\ncontent-length: 100000\r\n"
        b"content-type: application/vnd.parley+zstd\r\n\r\n"
    )
    answered, closed = drip(live.port, head, b"\x00", limit_s=HANG_S)
    assert closed
    assert answered.startswith(b"HTTP/1.1 408")
    assert b"body_timeout" in answered


def test_headers_sent_a_byte_at_a_time_are_cut(quick: tuple[Hub, LiveHub]) -> None:
    _, live = quick
    answered, closed = drip(
        live.port, b"GET /healthz HTTP/1.1\r\n", b"x", limit_s=HANG_S
    )
    assert closed and answered == b""
    with httpx.Client(base_url=live.url, timeout=10) as http:
        assert http.get("/healthz").status_code == 200


def test_a_connection_that_never_sends_a_request_is_closed(
    quick: tuple[Hub, LiveHub],
) -> None:
    _, live = quick
    with socket.create_connection(("127.0.0.1", live.port)) as sock:
        sock.settimeout(HANG_S)
        assert sock.recv(1) == b""


def test_endless_headers_are_cut(hub: Hub, live: LiveHub) -> None:
    head = b"GET /healthz HTTP/1.1\r\nx-pad: "
    answered, closed = drip(live.port, head, b"a" * 8192, limit_s=HANG_S, every=0.01)
    assert closed and b"200" not in answered


def _ops(n: int) -> list[Any]:
    clock = Hlc(1_700_000_000_000, 0, "00000000000000aa").encode()
    return [
        (i, "actor", uuid.uuid4().bytes, "name", f"Unit {i}", clock) for i in range(n)
    ]


def test_a_request_with_20000_ops_is_refused_before_any_write(
    hub: Hub, live: LiveHub, devices: DeviceFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    flood = load_identity(devices("flood").store)
    assert flood is not None
    body = push_request(1, registry_batch(flood, 1, _ops(20_000)), registry=0)
    before = row_counts(hub)
    writes: list[int] = []
    real = hub.db.write

    def counted() -> Any:
        writes.append(threading.get_ident())
        return real()

    monkeypatch.setattr(hub.db, "write", counted)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        resp = post_sync(http, flood, body)
    assert (resp.status_code, resp.json()["code"]) == (413, "too_many_ops")
    assert writes == []
    monkeypatch.undo()
    assert row_counts(hub) == before


def test_another_device_syncs_while_a_flood_is_refused(
    live: LiveHub, devices: DeviceFactory
) -> None:
    flood = load_identity(devices("flood").store)
    assert flood is not None
    other = devices("other")
    other.store.save(Actor(name="Unit 9"))
    body = push_request(1, registry_batch(flood, 1, _ops(20_000)), registry=0)
    statuses: list[int] = []

    def send_flood() -> None:
        with httpx.Client(base_url=live.url, timeout=60) as http:
            for _ in range(3):
                statuses.append(post_sync(http, flood, body).status_code)

    thread = threading.Thread(target=send_flood)
    thread.start()
    report = other.engine.run_once()
    thread.join(timeout=HANG_S)
    assert report.records_sent == 1 and other.store.pending_count() == 0
    assert statuses == [413, 413, 413]
    with httpx.Client(base_url=live.url, timeout=10) as http:
        me = load_identity(other.store)
        assert me is not None
        got = answer(
            post_sync(http, me, push_request(2, registry_batch(me, 2, []), registry=0))
        )
    assert got.registry is not None
    assert [i.fields["name"] for i in got.registry.items] == ["Unit 9"]


def _wrong_code(hub: Hub) -> dict[str, Any]:
    code = os.urandom(10).hex().upper()
    req = enroll_request(code, new_key(), new_key(), hub.keys.hub_pub)
    return req.model_dump()


def test_wrong_enrollment_codes_meet_429_with_retry_after(
    quick: tuple[Hub, LiveHub],
) -> None:
    hub, live = quick
    statuses: list[int] = []
    with httpx.Client(base_url=live.url, timeout=10) as http:
        for _ in range(30):
            resp = http.post("/v1/enroll", json=_wrong_code(hub))
            statuses.append(resp.status_code)
            if resp.status_code == 429:
                assert resp.json()["code"] == "too_many_attempts"
                assert 1 <= int(resp.headers["retry-after"]) <= 60
    assert statuses[:10] == [403] * 10
    assert statuses[10:] == [429] * 20


def test_a_throttled_address_leaves_other_addresses_alone(
    quick: tuple[Hub, LiveHub],
) -> None:
    hub, live = quick
    with httpx.Client(base_url=live.url, timeout=10) as http:
        for _ in range(11):
            http.post("/v1/enroll", json=_wrong_code(hub))
        assert http.post("/v1/enroll", json=_wrong_code(hub)).status_code == 429
    elsewhere = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=live.url, timeout=10, transport=elsewhere) as http:
        assert http.post("/v1/enroll", json=_wrong_code(hub)).status_code == 403
