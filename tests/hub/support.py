"""Test support: hubs on SQLite or a fresh PostgreSQL database, over real HTTP."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgpack
import psycopg
import pytest
import uvicorn

from app.store import KdfParams, MemorySecrets, Store, Vault
from app.sync import HubClient, SyncEngine, connect, enroll_device
from app.sync.identity import Identity, sign_request
from hub.api import create_app
from hub.db import HubDb, migrate
from hub.enrollment import create_code
from hub.orgkeys import OrgKeys, init_org
from hub.service import Hub, now_ms
from hub.serving import uvicorn_config
from hub.settings import HubSettings
from models.enums import Role
from models.keys import WrapParams
from models.wire import (
    MEDIA_TYPE,
    Batch,
    Push,
    SyncRequest,
    SyncResponse,
    decode,
    encode,
)

PG_ADMIN = os.environ.get(
    "PARLEY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"
)
ORG_PASSPHRASE = "organisation passphrase for tests"
FAST_WRAP = WrapParams(memory_kib=8 * 1024, iterations=1)
FAST_KDF = KdfParams(8 * 1024, 1, 1)

# The hub key file's secret for in-process test hubs.
MASTER = bytes(range(32))


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """Create a database with a random name; drop it afterwards.

    Fails (never skips) when the server cannot be reached.
    """
    name = f"parley_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise RuntimeError(
            f"PostgreSQL at {PG_ADMIN} cannot be reached; the hub suite needs it: {exc}"
        ) from None
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_schema(database_url: str) -> Iterator[str]:
    """A fresh schema in ``database_url``; the URL returned puts it on the path."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{database_url}?options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@contextlib.contextmanager
def database_for(kind: str, folder: Path) -> Iterator[str]:
    """A fresh hub database URL: a SQLite file, or a new PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'hub.db'}"
        return
    try:
        with postgres_database() as db, postgres_schema(db) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


def make_hub(url: str, **settings: int) -> Hub:
    """Migrate ``url``, create an organisation, and return a hub over it."""
    migrate(url)
    db = HubDb(url)
    keys = init_org(
        db, name="Test org", passphrase=ORG_PASSPHRASE, master=MASTER, params=FAST_WRAP
    )
    return Hub(db, keys, HubSettings(database_url=url, **settings))  # type: ignore[arg-type]


def reopen_hub(url: str, keys: OrgKeys, **settings: int) -> Hub:
    """A fresh hub process over the same database (what a restart looks like)."""
    return Hub(HubDb(url), keys, HubSettings(database_url=url, **settings))  # type: ignore[arg-type]


class LiveHub:
    """A hub served by uvicorn on a thread, on a free 127.0.0.1 port."""

    def __init__(self, hub: Hub, port: int = 0) -> None:
        self.hub = hub
        config = uvicorn_config(
            create_app(hub), hub.settings, host="127.0.0.1", port=port, lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("hub did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self, *, wait: bool = False) -> None:
        """Stop serving; with ``wait``, until the port is free again."""
        self.server.should_exit = True
        if wait:
            self.thread.join(timeout=10)


@dataclass
class Device:
    """One enrolled device: its vault, store, client and sync engine."""

    vault: Vault
    store: Store
    client: HubClient
    engine: SyncEngine
    role: Role

    def sync(self) -> None:
        """Run sync to completion."""
        self.engine.run_once()


def new_vault(root: Path) -> tuple[Vault, Store]:
    """A fresh vault with test-speed key stretching."""
    vault = Vault(root, secrets=MemorySecrets(), kdf=FAST_KDF)
    return vault, vault.create("device passphrase")


def enroll(hub: Hub, url: str, root: Path, **kwargs: Any) -> Device:
    """Create a vault and enroll it with a fresh code from ``hub``."""
    return enroll_with(hub.db, url, root, **kwargs)


def enroll_with(
    db: HubDb,
    url: str,
    root: Path,
    *,
    team: str = "north",
    role: Role = Role.FIELD,
    client: HubClient | None = None,
) -> Device:
    """Create a vault and enroll it with a fresh code."""
    vault, store = new_vault(root)
    code = create_code(db, team=team, role=role, ttl_ms=3_600_000, now_ms=now_ms())
    client = client or connect(url)
    passphrase = ORG_PASSPHRASE if role is Role.COORDINATOR else None
    enroll_device(client, store, code=code, org_passphrase=passphrase)

    def wipe() -> None:
        store.close()
        vault.wipe()

    return Device(vault, store, client, SyncEngine(store, client, on_wipe=wipe), role)


logging.getLogger("parley.hub").setLevel(logging.WARNING)


# -- hand-made requests ---------------------------------------------------------------


def sync_body(req: SyncRequest) -> bytes:
    """Encode a sync request as a device would."""
    return encode(req.dump())


def post_sync(
    http: httpx.Client, identity: Identity, body: bytes, *, ts: int | None = None
) -> httpx.Response:
    """POST a signed body to /v1/sync."""
    auth = sign_request(
        identity, method="POST", path="/v1/sync", body=body, now_ms=ts or now_ms()
    )
    headers = {"authorization": auth, "content-type": MEDIA_TYPE}
    return http.post("/v1/sync", content=body, headers=headers)


def answer(resp: httpx.Response) -> SyncResponse:
    """Decode a 200 sync answer."""
    assert resp.status_code == 200, resp.text
    return SyncResponse.model_validate(decode(resp.content))


def registry_batch(
    identity: Identity, seq: int, ops: list[Any], *, ctx: int = 0
) -> bytes:
    """Frozen batch bytes carrying registry ops only."""
    batch = Batch(device=identity.device, seq=seq, ctx=ctx, ops=ops)
    out: bytes = msgpack.packb(batch.dump(), use_bin_type=True)
    return out


def push_request(seq: int, batch: bytes, **pull: int) -> bytes:
    """A sync body pushing ``batch`` and pulling ``pull`` streams."""
    return sync_body(SyncRequest(push=Push(seq=seq, batch=batch), pull=dict(pull)))


def row_counts(hub: Hub) -> dict[str, int]:
    """Rows in every hub table that a request could write."""
    from sqlalchemy import func, select

    from hub import tables

    names = ("sealed", "batches", "reg_fields", "reg_log", "reg_aliases", "reg_losers")
    with hub.db.read() as conn:
        return {
            name: int(
                conn.execute(
                    select(func.count()).select_from(getattr(tables, name))
                ).scalar()
                or 0
            )
            for name in names
        }


class FlakyTransport(httpx.BaseTransport):
    """Real HTTP, except the faults queued: drop a request before it leaves, or
    drop the response after the hub has processed the request."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.faults: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.faults.pop(0) if self.faults else None
        if fault == "request":
            raise httpx.ConnectError("dropped before sending")
        response = self.inner.handle_request(request)
        if fault == "response":
            response.read()
            response.close()
            raise httpx.ReadError("dropped before the answer arrived")
        return response

    def close(self) -> None:
        self.inner.close()


def flaky_client(url: str) -> tuple[HubClient, FlakyTransport]:
    """A hub client whose transport can drop requests and responses on demand."""
    transport = FlakyTransport()
    return HubClient(httpx.Client(transport=transport, timeout=10), url), transport


def drip(
    port: int, head: bytes, drop: bytes, *, limit_s: float, every: float = 0.2
) -> tuple[bytes, bool]:
    """Send ``head``, then ``drop`` every ``every`` s until the hub closes.

    Returns what the hub answered and whether it closed the connection within
    ``limit_s`` seconds (a slow sender it never cuts off gives ``False``).
    """
    got = b""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(every)
        sock.sendall(head)
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            try:
                sock.sendall(drop)
                data = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return got, True
            if not data:
                return got, True
            got += data
    return got, False
