"""``POST /v1/upload`` as a plain ASGI app: it answers while the body still arrives.

FastAPI reads a body before it answers; a resumable upload must instead tell the
device, as the bytes come in, how many of them are stored, so that a link cut at
any moment loses only what was on the wire since the last report. The hub stores
what arrived every :data:`FLUSH_S` (and at a disconnect), each time in one write
transaction, and sends a frame with the new count after each store.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from typing import Any

from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive, Scope, Send

from hub.errors import HubError, unavailable
from hub.service import Hub, RequestInfo, Upload
from models.wire import (
    UPLOAD_HEADER,
    UPLOAD_MEDIA_TYPE,
    UPLOAD_PATH,
    UploadFrame,
    UploadRef,
    WireError,
    frame_bytes,
)

__all__ = ["FLUSH_S", "UploadEndpoint"]

log = logging.getLogger("parley.hub")

FLUSH_S = 0.15  # store what arrived at least this often
_FLUSH_BYTES = 32 * 1024


class UploadEndpoint:
    """The ASGI app mounted at ``/v1/upload``."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            await _json(send, HubError(405, "method_not_allowed"))
            return
        info = scope.get("state", {}).get("info") or RequestInfo()
        headers = {
            k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
        }
        try:
            ref = UploadRef.from_header(headers.get(UPLOAD_HEADER))
            if int(headers.get("content-length") or 0) != ref.total - ref.off:
                raise HubError(400, "malformed_upload")
            upload, first = await run_in_threadpool(
                self.hub.upload_start,
                headers.get("authorization"),
                UPLOAD_PATH,
                ref,
                info,
            )
        except WireError:
            await _json(send, HubError(400, "malformed_upload"))
            return
        except HubError as exc:
            await _json(send, exc)
            return
        except OperationalError:
            await _json(send, unavailable())
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", UPLOAD_MEDIA_TYPE.encode())],
            }
        )
        if first.done or first.held < ref.off:
            await _last(send, first)  # stored already, or resend from first.held
            return
        await self._stream(upload, ref, first, receive, send, info)

    async def _stream(
        self,
        upload: Upload,
        ref: UploadRef,
        frame: UploadFrame,
        receive: Receive,
        send: Send,
        info: RequestInfo,
    ) -> None:
        await _frame(send, frame)
        pos = ref.off  # offset in the batch of the next body byte
        buf = bytearray()
        last = time.monotonic()
        while True:
            message: Message = await receive()
            if message["type"] == "http.disconnect":
                if buf:  # keep what came before the cut
                    with contextlib.suppress(Exception):
                        await self._store(upload, buf)
                return
            data: bytes = message.get("body", b"")
            if pos + len(data) > upload.at:
                buf += data[max(0, upload.at - pos) :]
            pos += len(data)
            info.pushed += len(data)
            more = bool(message.get("more_body", False))
            due = time.monotonic() - last >= FLUSH_S or len(buf) >= _FLUSH_BYTES
            if more and not (buf and due):
                continue
            try:
                frame = await self._store(upload, buf)
            except HubError as exc:
                log.warning("upload refused: %s", exc.code)
                refused = UploadFrame(
                    st=self.hub.clock(),
                    held=0,
                    error=exc.code,
                    status=exc.status,
                    retry_after=exc.retry_after or 0,
                )
                await _last(send, refused)
                return
            except Exception as exc:  # the database went away: end like a cut
                log.error("upload store failed: %s", type(exc).__name__)
                return
            buf.clear()
            last = time.monotonic()
            if not more or frame.done or frame.held < pos:
                await _last(send, frame)
                return
            await _frame(send, frame)

    async def _store(self, upload: Upload, buf: bytearray) -> UploadFrame:
        return await run_in_threadpool(self.hub.upload_feed, upload, bytes(buf))


async def _frame(send: Send, frame: UploadFrame) -> None:
    await send(
        {"type": "http.response.body", "body": frame_bytes(frame), "more_body": True}
    )


async def _last(send: Send, frame: UploadFrame) -> None:
    await send({"type": "http.response.body", "body": frame_bytes(frame)})


async def _json(send: Send, exc: HubError) -> None:
    body: dict[str, Any] = exc.body()
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": exc.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(raw)).encode()),
                *((k.encode(), v.encode()) for k, v in exc.headers().items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})
