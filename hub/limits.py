"""Bounds on every request body: a byte limit per route and a read deadline.

:class:`BodyLimit` is plain ASGI: it counts the bytes as the route reads them
(declared ``Content-Length`` or chunked alike) and, past the route's limit or
its deadline, hands the route a disconnect and answers 413 or 408 itself. No
route ever holds more than its limit in memory, and a sender too slow to be a
real phone is cut:

* a body may take :attr:`BodyRules.grace_ms` whatever its pace, and after that
  must keep up :attr:`BodyRules.min_rate` bytes a second on average (a 256 KiB
  batch on 2G arrives at several KiB a second);
* no gap between two chunks may exceed :attr:`BodyRules.idle_ms`.

A response sent before its request body was read in full ends the connection
(see :mod:`hub.serving`), so the rest of a refused body is never read.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.errors import HubError
from models.wire import UPLOAD_PATH, WireError, parse_auth
from models.wire.exports import EXPORTS_PATH

__all__ = ["BodyLimit", "BodyRules", "error_response", "route_limit"]

log = logging.getLogger("parley.hub")

ENROLL_PATH = "/v1/enroll"
SYNC_PATH = "/v1/sync"
# An enrollment request is five short strings of JSON.
MAX_ENROLL_BODY = 8 * 1024


@dataclass(frozen=True)
class BodyRules:
    """The limits :class:`BodyLimit` applies."""

    max_body: int
    max_enroll: int = MAX_ENROLL_BODY
    grace_ms: int = 20_000
    idle_ms: int = 20_000
    min_rate: int = 1024


def route_limit(method: str, path: str, rules: BodyRules) -> int:
    """The most body bytes a route accepts; 0 for routes that take no body."""
    if method != "POST":
        return 0
    if path in (SYNC_PATH, UPLOAD_PATH, EXPORTS_PATH):
        return rules.max_body
    if path == ENROLL_PATH:
        return rules.max_enroll
    return 0


_CLOSE = (b"connection", b"close")


async def error_response(send: Send, exc: HubError, *, close: bool = True) -> None:
    """Send ``exc`` as the hub's JSON error body; with ``close``, the connection
    ends after it (the request body may not have been read)."""
    raw = json.dumps(exc.body()).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(raw)).encode()),
        *((k.encode(), v.encode()) for k, v in exc.headers().items()),
    ]
    if close:
        headers.append(_CLOSE)
    await send(
        {"type": "http.response.start", "status": exc.status, "headers": headers}
    )
    await send({"type": "http.response.body", "body": raw})


def _declared(headers: dict[bytes, bytes]) -> int | None:
    """The declared length, ``None`` for none; -1 for a value that is no length."""
    raw = headers.get(b"content-length")
    if raw is None:
        return None
    text = raw.decode("latin-1").strip()
    return int(text) if text.isdigit() and len(text) < 19 else -1


def claimed_device(headers: dict[bytes, bytes]) -> str:
    """The device an ``Authorization`` header names (not verified), or ``-``."""
    try:
        return parse_auth(headers.get(b"authorization", b"").decode("latin-1")).device
    except (WireError, UnicodeDecodeError):
        return "-"


def _early(
    method: str, path: str, headers: dict[bytes, bytes], limit: int
) -> HubError | None:
    """A refusal decided from the headers alone."""
    declared = _declared(headers)
    chunked = b"transfer-encoding" in headers
    if declared == -1:
        return HubError(400, "bad_content_length")
    if declared is not None and declared > limit:
        return HubError(413, "body_too_large")
    if chunked and limit == 0:
        return HubError(413, "body_too_large")
    if chunked and method == "POST" and path == UPLOAD_PATH:
        return HubError(411, "length_required")
    return None


class _Reader:
    """The route's view of the body: counted, and cut at the limit or deadline."""

    def __init__(self, receive: Receive, limit: int, rules: BodyRules) -> None:
        self._receive = receive
        self.limit = limit
        self.rules = rules
        self.start = self.last = time.monotonic()
        self.size = 0
        self.done = False
        self.refused: HubError | None = None

    def _wait(self) -> float:
        rules = self.rules
        paced = self.start + max(rules.grace_ms / 1000, self.size / rules.min_rate)
        return max(0.0, min(paced, self.last + rules.idle_ms / 1000) - time.monotonic())

    async def receive(self) -> Message:
        if self.refused is not None:
            return {"type": "http.disconnect"}
        if self.done:
            return await self._receive()
        try:
            message = await asyncio.wait_for(self._receive(), self._wait())
        except TimeoutError:
            self.refused = HubError(408, "body_timeout")
            return {"type": "http.disconnect"}
        if message["type"] != "http.request":
            return message
        self.size += len(message.get("body", b""))
        self.last = time.monotonic()
        if self.size > self.limit:
            self.refused = HubError(413, "body_too_large")
            return {"type": "http.disconnect"}
        self.done = not message.get("more_body", False)
        return message


class BodyLimit:
    """ASGI middleware: every route's body within its limit and its deadline."""

    def __init__(self, app: ASGIApp, *, rules: BodyRules) -> None:
        self.app = app
        self.rules = rules

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        headers = dict(scope["headers"])
        limit = route_limit(method, path, self.rules)
        early = _early(method, path, headers, limit)
        if early is not None:
            await error_response(send, early)
            return
        reader = _Reader(receive, limit, self.rules)
        sent = _Sent()
        has_body = b"transfer-encoding" in headers or bool(_declared(headers))

        async def guarded(message: Message) -> None:
            if sent.ours:
                return
            if message["type"] == "http.response.start":
                if reader.refused is not None:
                    await sent.refuse(send, reader.refused)
                    return
                sent.started = True
                if has_body and not reader.done and message["status"] >= 400:
                    # An error before the body was read: this connection ends.
                    message = {**message, "headers": [*message["headers"], _CLOSE]}
            elif not message.get("more_body", False):
                sent.complete = True
            await send(message)

        with contextlib.suppress(ClientDisconnect):
            await self.app(scope, reader.receive, guarded)
        if reader.refused is None:
            return
        log.info(
            "%s %s body refused: %s after %d bytes",
            method,
            path,
            reader.refused.code,
            reader.size,
        )
        if not sent.started and not sent.ours:
            await sent.refuse(send, reader.refused)
        elif sent.started and not sent.complete:
            await send({"type": "http.response.body", "body": b"", "more_body": False})


@dataclass
class _Sent:
    """What has gone out of a response."""

    started: bool = False
    complete: bool = False
    ours: bool = False

    async def refuse(self, send: Send, exc: HubError) -> None:
        self.started = self.ours = True
        await error_response(send, exc)
