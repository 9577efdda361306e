"""The HTTP client maps transport failures and hub answers to the app's errors."""

from __future__ import annotations

import json

import httpx
import pytest

from app.errors import (
    AuthRequired,
    DeviceRevoked,
    HubUnreachable,
    ProtocolError,
    Rejected,
)
from app.sync import HubClient
from app.sync.errors import BatchConflict, Revoked, StaleClock
from models.wire import MEDIA_TYPE


def _client(
    status: int, body: object = None, *, content_type: str = "application/json"
) -> HubClient:
    def handler(_request: httpx.Request) -> httpx.Response:
        raw = json.dumps(body).encode() if body is not None else b"{broken"
        return httpx.Response(
            status, content=raw, headers={"content-type": content_type}
        )

    return HubClient(httpx.Client(transport=httpx.MockTransport(handler)), "http://hub")


def _fails(exc: Exception) -> HubClient:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return HubClient(httpx.Client(transport=httpx.MockTransport(handler)), "http://hub")


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("cut"),
        httpx.WriteError("cut"),
    ],
)
def test_transport_failures_mean_the_hub_is_unreachable(exc: Exception) -> None:
    with pytest.raises(HubUnreachable):
        _fails(exc).sync(b"x", authorization="Parley x")


def test_stale_request_carries_the_hub_clock() -> None:
    client = _client(401, {"status": 401, "code": "stale_request", "server_time": 123})
    with pytest.raises(StaleClock) as err:
        client.sync(b"x", authorization="a")
    assert err.value.server_time == 123 and isinstance(err.value, AuthRequired)


def test_other_401_means_authentication_is_required() -> None:
    with pytest.raises(AuthRequired) as err:
        _client(401, {"status": 401, "code": "bad_signature"}).sync(
            b"x", authorization="a"
        )
    assert err.value.detail == "bad_signature"


def test_revoked_device_gets_the_command_bytes() -> None:
    body = {"status": 403, "code": "device_revoked", "command": "AAEC"}
    with pytest.raises(Revoked) as err:
        _client(403, body).sync(b"x", authorization="a")
    assert err.value.command == b"\x00\x01\x02" and isinstance(err.value, DeviceRevoked)


def test_conflict_carries_the_last_batch_number() -> None:
    body = {"status": 409, "code": "batch_gap", "last_batch_seq": 7}
    with pytest.raises(BatchConflict) as err:
        _client(409, body).sync(b"x", authorization="a")
    assert (err.value.status, err.value.reason, err.value.last_batch_seq) == (
        409,
        "batch_gap",
        7,
    )


@pytest.mark.parametrize(
    ("status", "code"), [(400, "malformed"), (413, "too_large"), (500, "")]
)
def test_other_refusals_are_rejected_with_status_and_code(
    status: int, code: str
) -> None:
    body = {"status": status, "code": code} if code else None
    with pytest.raises(Rejected) as err:
        _client(status, body).sync(b"x", authorization="a")
    assert (err.value.status, err.value.reason) == (status, code)


def test_an_answer_of_the_wrong_type_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        _client(200, {"x": 1}).sync(b"x", authorization="a")
    with pytest.raises(ProtocolError):
        _client(200, {"org": 1}).hello()


def test_counters_include_headers_and_bodies() -> None:
    client = _client(200, {"ok": True}, content_type=MEDIA_TYPE)
    client.sync(b"12345", authorization="a")
    assert client.requests == 1
    assert client.bytes_sent > 5 + len("authorization") and client.bytes_received > 10
