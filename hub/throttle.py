"""Enrollment throttling: failed attempts per client address per minute.

Codes carry 128 bits, so guessing one is hopeless; what a flood of wrong codes
costs is the hub's time (each attempt checks two key proofs). An address with
``limit`` failed attempts in the current minute gets 429 with ``Retry-After``
until the minute is over, before its request is read. Successful enrollments
never count, so a training room behind one address can enroll its phones.

The count lives in each hub process (several processes each allow ``limit``).
Behind a reverse proxy every device shares the proxy's address: set the limit
for the whole site then.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.errors import HubError
from hub.limits import ENROLL_PATH, error_response

__all__ = ["EnrollThrottle", "FailureWindow"]

_WINDOW_S = 60.0
_MAX_ADDRESSES = 100_000


class FailureWindow:
    """Failures per key in fixed windows of ``window_s`` seconds (thread-safe)."""

    def __init__(
        self,
        limit: int,
        *,
        window_s: float = _WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._counts: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def _current(self, key: str, now: float) -> tuple[float, int]:
        start, count = self._counts.get(key, (now, 0))
        if now - start >= self.window_s:
            return now, 0
        return start, count

    def wait_s(self, key: str) -> int:
        """Seconds ``key`` must wait before trying again; 0 when it may try now."""
        now = self.clock()
        with self._lock:
            start, count = self._current(key, now)
        if count < self.limit:
            return 0
        return max(1, math.ceil(start + self.window_s - now))

    def fail(self, key: str) -> None:
        """Count one failure for ``key``."""
        now = self.clock()
        with self._lock:
            if len(self._counts) >= _MAX_ADDRESSES:
                self._prune(now)
            start, count = self._current(key, now)
            self._counts[key] = (start, count + 1)

    def _prune(self, now: float) -> None:
        stale = [k for k, (s, _) in self._counts.items() if now - s >= self.window_s]
        for key in stale:
            del self._counts[key]
        if len(self._counts) >= _MAX_ADDRESSES:
            self._counts.clear()


class EnrollThrottle:
    """ASGI middleware: 429 for an address with too many failed enrollments."""

    def __init__(self, app: ASGIApp, *, window: FailureWindow) -> None:
        self.app = app
        self.window = window

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != ENROLL_PATH:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else "-"
        wait = self.window.wait_s(address)
        if wait:
            await error_response(
                send, HubError(429, "too_many_attempts", retry_after=wait)
            )
            return
        status = [0]

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        await self.app(scope, receive, watched)
        if 400 <= status[0] < 500:
            self.window.fail(address)
