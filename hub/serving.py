"""How uvicorn serves the hub: header deadline and size, and no body read after
its answer.

uvicorn waits for request headers forever and reads (and discards) a body that
no route wants. :class:`BoundedProtocol` closes a connection whose headers take
longer than ``header_timeout_ms`` or exceed ``max_header_bytes``, and ends the
connection soon after an answer that went out before its request body was read
in full: the rest of the body is dropped as it comes (so the sender can read
the answer) for at most ``linger_s``, never held.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httptools
import uvicorn
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from hub.settings import HubSettings

__all__ = ["BoundedProtocol", "uvicorn_config"]

# Keep idle connections well past a device's retry wait: on 2G and satellite
# every new connection costs a round trip.
KEEP_ALIVE_S = 75


class BoundedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header deadline and size cap."""

    header_timeout_s: float = 20.0
    max_header_bytes: int = 16 * 1024
    # After an answer sent before its body was read: read and drop the rest of
    # the body this long (so the sender sees the answer), then close.
    linger_s: float = 2.0

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._in_headers = False
        self._draining = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_bytes = 0
        self._in_headers = True
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if self._in_headers and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._draining:
            with contextlib.suppress(httptools.HttpParserError):
                self.parser.feed_data(data)  # chunk framing only; bodies dropped
            return
        if self._in_headers and self._header_bytes > self.max_header_bytes:
            self.transport.close()  # still no end of headers: stop reading
            return
        super().data_received(data)
        if self._in_headers:
            self._header_bytes += len(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_headers:
            self._arm()

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._disarm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        if self._draining:
            self.transport.close()  # the refused body is over: the answer is read
            return
        super().on_message_complete()

    def on_response_complete(self) -> None:
        cycle = self.cycle
        if cycle is not None and cycle.more_body and not self.transport.is_closing():
            # Answered before the body was read: drop the rest briefly, then close.
            self.server_state.total_requests += 1
            self._draining = True
            self.flow.resume_reading()
            self.loop.call_later(self.linger_s, self.transport.close)
            return
        super().on_response_complete()


def _protocol(settings: HubSettings) -> type[BoundedProtocol]:
    return type(
        "HubProtocol",
        (BoundedProtocol,),
        {
            "header_timeout_s": settings.header_timeout_ms / 1000,
            "max_header_bytes": settings.max_header_bytes,
        },
    )


def uvicorn_config(app: Any, settings: HubSettings, **overrides: Any) -> Config:
    """The uvicorn configuration the hub runs with (CLI, tests and benches)."""
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "http": _protocol(settings),
        "access_log": False,
        "server_header": False,
        "date_header": False,
        "log_level": "warning",
        "timeout_keep_alive": KEEP_ALIVE_S,
        # h11 is not used (the protocol above is), but keep its cap tight too.
        "h11_max_incomplete_event_size": settings.max_header_bytes,
    }
    options.update(overrides)
    return uvicorn.Config(app, **options)
