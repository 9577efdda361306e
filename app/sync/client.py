"""The HTTP client of the hub: the only code in the app that speaks HTTP (httpx).

Transport failures become :class:`~app.errors.HubUnreachable`; hub answers map to
the rest of the :class:`~app.errors.SyncError` tree. Byte and request counters
include headers, for the progress bar.
"""

from __future__ import annotations

import contextlib
import functools
import ssl
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from app.errors import AuthRequired, HubUnreachable, ProtocolError, Rejected
from app.sync.errors import BatchConflict, HubBusy, Revoked, StaleClock
from app.sync.upload import Next, stream_upload
from models.wire import (
    MEDIA_TYPE,
    UPLOAD_HEADER,
    UPLOAD_PATH,
    EnrollRequest,
    EnrollResponse,
    HubHello,
    UploadFrame,
    UploadRef,
    WireError,
    b64d,
)
from models.wire.courier import COURIER_HEADER
from models.wire.exports import EXPORTS_PATH, ExportAck

__all__ = ["HubClient", "connect"]

# For 2G and satellite: a link that carries nothing for 20 s is as good as cut
# (timeouts count from the last byte, not from the start of a transfer).
DEFAULT_TIMEOUT = httpx.Timeout(connect=15.0, read=20.0, write=20.0, pool=15.0)


def _header_bytes(headers: httpx.Headers) -> int:
    return sum(len(k) + len(v) + 4 for k, v in headers.raw)


class HubClient:
    """Talks to one hub over one keep-alive ``httpx.Client``."""

    def __init__(self, http: httpx.Client, base_url: str) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.requests = 0
        self.bytes_sent = 0
        self.bytes_received = 0

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def _send(
        self,
        method: str,
        path: str,
        *,
        content: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        request = self.http.build_request(
            method, self.base_url + path, content=content or None, headers=headers or {}
        )
        self.requests += 1
        self.bytes_sent += len(method) + len(path) + 12 + _header_bytes(request.headers)
        self.bytes_sent += len(content)
        try:
            response = self.http.send(request)
        except httpx.TransportError as exc:
            raise HubUnreachable(type(exc).__name__) from None
        self.bytes_received += (
            17 + _header_bytes(response.headers) + len(response.content)
        )
        _raise_for(response, path)
        return response

    def hello(self) -> HubHello:
        """``GET /v1/hello``: the hub's keys and clock."""
        return _json(self._send("GET", "/v1/hello"), HubHello)

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        """``POST /v1/enroll``."""
        body = request.model_dump_json().encode()
        headers = {"content-type": "application/json"}
        return _json(
            self._send("POST", "/v1/enroll", content=body, headers=headers),
            EnrollResponse,
        )

    def sync(
        self, body: bytes, *, authorization: str, courier: str | None = None
    ) -> bytes:
        """``POST /v1/sync`` with a signed, encoded body; returns the encoded answer.

        ``courier`` is the courier certificate of a request signed by the
        device's push-only key (:mod:`models.wire.courier`).
        """
        headers = {"content-type": MEDIA_TYPE, "authorization": authorization}
        if courier is not None:
            headers[COURIER_HEADER] = courier
        response = self._send("POST", "/v1/sync", content=body, headers=headers)
        if response.headers.get("content-type") != MEDIA_TYPE:
            raise ProtocolError("content_type")
        return response.content

    def upload(
        self,
        ref: UploadRef,
        body: bytes,
        *,
        authorization: str,
        on_frame: Callable[[UploadFrame], None],
    ) -> UploadFrame:
        """``POST /v1/upload``: stream ``body`` (the batch from ``ref.off``).

        ``on_frame`` hears each count of stored bytes as it arrives, so a cut
        still leaves the caller knowing where the hub stands. Returns the last
        frame (``done`` with the ack once the batch is whole).

        Raises:
            HubUnreachable: cut, refused or timed out (frames seen still count).
            ProtocolError, Rejected, AuthRequired...: as :meth:`sync`.
        """
        return self._upload(_upload_headers(ref, authorization), body, on_frame)

    def resume_upload(
        self,
        ref_at: Callable[[int], UploadRef],
        batch: bytes,
        *,
        sign: Callable[[UploadRef], str],
        on_frame: Callable[[UploadFrame], None],
    ) -> UploadFrame:
        """Ask the hub how much of ``batch`` it holds, then stream the rest on the
        same connection (after a cut, when the device cannot know).

        The question is an empty upload from the batch's end, ``ref_at(len)``;
        its answer is the hub's count (or the ack, when it has every byte).
        ``sign`` signs each request's :class:`UploadRef`. Returns and raises as
        :meth:`upload`.
        """
        ask = ref_at(len(batch))

        def then(frame: UploadFrame) -> tuple[dict[str, str], bytes]:
            ref = ref_at(min(frame.held, len(batch)))
            self.requests += 1
            return _upload_headers(ref, sign(ref)), batch[ref.off :]

        return self._upload(_upload_headers(ask, sign(ask)), b"", on_frame, then)

    def _upload(
        self,
        headers: dict[str, str],
        body: bytes,
        on_frame: Callable[[UploadFrame], None],
        then: Next | None = None,
    ) -> UploadFrame:
        self.requests += 1

        def meter(sent: int, received: int) -> None:
            self.bytes_sent += sent
            self.bytes_received += received

        timeout = self.http.timeout
        answer = stream_upload(
            self.base_url,
            UPLOAD_PATH,
            headers=headers,
            body=body,
            on_frame=on_frame,
            meter=meter,
            connect_timeout=timeout.connect or 15.0,
            read_timeout=timeout.read or 20.0,
            tls=_tls() if self.base_url.startswith("https") else None,
            then=then,
        )
        if answer.status != 200:
            _raise_for(
                httpx.Response(
                    answer.status, headers=answer.headers, content=answer.body
                ),
                UPLOAD_PATH,
            )
        if answer.last is None:
            raise ProtocolError("frames")
        last = answer.last
        if last.error is not None:
            if last.status in (429, 503):
                wait = _retry_after(str(last.retry_after or ""))
                raise HubBusy(last.status, last.error, wait)
            raise Rejected(last.status or 400, last.error)
        return last

    def report_exports(self, body: bytes, *, authorization: str) -> ExportAck:
        """``POST /v1/exports``: what this device exported (counts only)."""
        headers = {"content-type": "application/json", "authorization": authorization}
        return _json(
            self._send("POST", EXPORTS_PATH, content=body, headers=headers), ExportAck
        )

    def download(self, path: str, *, authorization: str) -> bytes:
        """A signed ``GET`` of opaque bytes (guidance packs)."""
        return self._send("GET", path, headers={"authorization": authorization}).content


def _upload_headers(ref: UploadRef, authorization: str) -> dict[str, str]:
    return {
        "content-type": "application/octet-stream",
        "authorization": authorization,
        UPLOAD_HEADER: ref.header(),
    }


T = TypeVar("T", bound=BaseModel)


def _json(response: httpx.Response, model: type[T]) -> T:
    try:
        return model.model_validate_json(response.content)
    except ValidationError:
        raise ProtocolError("json") from None


def _error_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _raise_for(response: httpx.Response, path: str) -> None:
    status = response.status_code
    if status < 400:
        return
    body = _error_body(response)
    code = str(body.get("code", ""))
    if (
        status == 401
        and code == "stale_request"
        and isinstance(body.get("server_time"), int)
    ):
        raise StaleClock(body["server_time"])
    if status == 401 or (status == 403 and path == "/v1/enroll"):
        raise AuthRequired(code)
    if status == 403 and code == "device_revoked":
        command, raw = body.get("command"), None
        if isinstance(command, str):
            with contextlib.suppress(WireError):
                raw = b64d(command)
        raise Revoked(raw)
    if status == 409 and isinstance(body.get("last_batch_seq"), int):
        raise BatchConflict(code, body["last_batch_seq"])
    if status in (429, 503):
        raise HubBusy(status, code, _retry_after(response.headers.get("retry-after")))
    raise Rejected(status, code)


def _retry_after(value: str | None) -> float:
    """Seconds from a ``Retry-After`` header (delta form), bounded to [1, 600]."""
    try:
        seconds = float(value or "")
    except ValueError:
        seconds = 5.0
    return max(1.0, min(600.0, seconds))


@functools.cache
def _tls() -> ssl.SSLContext:
    # Loading the CA bundle costs tens of milliseconds: do it once per process.
    return httpx.create_ssl_context()


def connect(base_url: str, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> HubClient:
    """Open a client for ``base_url`` with timeouts suited to slow links."""
    return HubClient(httpx.Client(timeout=timeout, verify=_tls()), base_url)
