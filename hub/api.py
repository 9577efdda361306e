"""The hub's HTTP surface (FastAPI). One JSON error shape for every 4xx and 5xx."""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.errors import HubError, unavailable
from hub.exports import record_exports
from hub.limits import BodyLimit, BodyRules, claimed_device
from hub.service import Hub, RequestInfo
from hub.throttle import EnrollThrottle, FailureWindow
from hub.upload_api import UploadEndpoint
from models.wire import (
    MEDIA_TYPE,
    UPLOAD_PATH,
    EnrollRequest,
    EnrollResponse,
    HubHello,
)
from models.wire.courier import COURIER_HEADER
from models.wire.exports import EXPORTS_PATH, ExportAck

__all__ = ["ErrorBody", "create_app"]

log = logging.getLogger("parley.hub")

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}
_BINARY = {
    "requestBody": {
        "required": True,
        "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    },
    "responses": {
        "200": {
            "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}
        }
    },
}


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer; may add server_time, last_batch_seq, command."""

    status: int
    code: str
    message: str


# Every error a route with a body can answer (422 replaces FastAPI's own shape).
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody}
    for status in (400, 401, 403, 408, 409, 411, 413, 422, 429, 503)
}
_GET_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (413, 422, 503)
}


def _error(exc: HubError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers())


class AccessLog:
    """Logs device, batch, status and timing of each request; never a body.

    A request whose client went away before any answer is logged as
    ``disconnected``, with the device its header names when it was not yet
    authenticated (``claimed=``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        info = RequestInfo()
        scope.setdefault("state", {})["info"] = info
        status: list[int | None] = [None]

        async def tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        finally:
            device = info.device
            if device == "-" and status[0] is None:
                device = "claimed=" + claimed_device(dict(scope["headers"]))
            log.info(
                "%s %s status=%s device=%s batch=%s bytes=%d ms=%.1f",
                scope["method"],
                scope["path"],
                "disconnected" if status[0] is None else status[0],
                device,
                info.batch if info.batch is not None else "-",
                info.pushed,
                (time.perf_counter() - start) * 1000,
            )


def _info(request: Request) -> RequestInfo:
    info = request.scope.get("state", {}).get("info")
    return info if isinstance(info, RequestInfo) else RequestInfo()


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HubError(413, "body_too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(_request: Request, exc: HubError) -> JSONResponse:
        return _error(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(
        _request: Request, exc: StarletteHTTPException
    ) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        allow = (exc.headers or {}).get("Allow")
        return _error(HubError(exc.status_code, code, allow=allow))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, _exc: RequestValidationError) -> JSONResponse:
        return _error(HubError(422, "invalid_request"))

    @app.exception_handler(OperationalError)
    async def _database_away(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc.orig).__name__)
        return _error(unavailable())

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error: %s", type(exc).__name__)
        return _error(HubError(500, "internal_error"))


def create_app(hub: Hub) -> FastAPI:
    """Build the ASGI app around one :class:`Hub`."""
    app = FastAPI(
        title="Parley hub", version="1", summary="Coordination hub for Parley"
    )
    app.state.hub = hub
    _install_errors(app)

    @app.get("/healthz", responses=_GET_ERRORS)
    def healthz() -> dict[str, Any]:
        """Liveness and database reachability, for load balancers."""
        with hub.db.read() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "time": hub.clock()}

    @app.get("/v1/hello", response_model=HubHello, responses=_GET_ERRORS)
    def hello() -> HubHello:
        """The hub's public keys and clock, read before enrolling."""
        return hub.hello()

    @app.post("/v1/enroll", response_model=EnrollResponse, responses=_ERRORS)
    def enroll(req: EnrollRequest) -> EnrollResponse:
        """Enroll a device with a single-use code and proof of its two keys."""
        return hub.enroll(req)

    @app.post(
        "/v1/sync", response_class=Response, responses=_ERRORS, openapi_extra=_BINARY
    )
    async def sync(request: Request) -> Response:
        """Push one batch and pull pages (msgpack + zstd, signed by the device)."""
        body = await _read_body(request, hub.settings.max_body)
        header = request.headers.get("authorization")
        courier = request.headers.get(COURIER_HEADER)
        out = await run_in_threadpool(
            partial(hub.sync, courier=courier),
            header,
            request.url.path,
            body,
            _info(request),
        )
        return Response(out, media_type=MEDIA_TYPE)

    @app.get("/v1/packs/{version}", response_class=Response, responses=_ERRORS)
    def pack(version: int, request: Request) -> Response:
        """Download a published guidance pack (opaque bytes; verify the manifest)."""
        header = request.headers.get("authorization")
        body = hub.pack(header, request.url.path, version, _info(request))
        return Response(body, media_type="application/octet-stream")

    @app.post(EXPORTS_PATH, response_model=ExportAck, responses=_ERRORS)
    async def exports(request: Request) -> ExportAck:
        """Record the exports a device made (counts only) in the audit log."""
        body = await _read_body(request, hub.settings.max_body)
        header = request.headers.get("authorization")
        return await run_in_threadpool(
            record_exports, hub, header, request.url.path, body, _info(request)
        )

    # Streams its answer while the body arrives: a plain ASGI app as the route.
    app.router.routes.append(Route(UPLOAD_PATH, UploadEndpoint(hub), methods=["POST"]))
    settings = hub.settings
    rules = BodyRules(
        max_body=settings.max_body,
        grace_ms=settings.body_grace_ms,
        idle_ms=settings.body_idle_ms,
        min_rate=settings.body_min_rate,
    )
    app.add_middleware(BodyLimit, rules=rules)
    window = FailureWindow(settings.enroll_failures_per_min)
    app.add_middleware(EnrollThrottle, window=window)
    app.add_middleware(AccessLog)
    return app
