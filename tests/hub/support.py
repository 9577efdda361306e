"""Test support: hubs on SQLite or a fresh PostgreSQL database, over real HTTP."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import uvicorn

from app.store import KdfParams, MemoryPepper, Store, Vault
from app.sync import HubClient, SyncEngine, connect, enroll_device
from hub.api import create_app
from hub.db import HubDb, migrate
from hub.enrollment import create_code
from hub.orgkeys import OrgKeys, init_org
from hub.service import Hub, now_ms
from hub.settings import HubSettings
from models.enums import Role
from models.keys import WrapParams

PG_ADMIN = os.environ.get(
    "PARLEY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"
)
ORG_PASSPHRASE = "organisation passphrase for tests"
FAST_WRAP = WrapParams(memory_kib=8 * 1024, iterations=1)
FAST_KDF = KdfParams(8 * 1024, 1, 1)


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


def make_hub(url: str, **settings: int) -> Hub:
    """Migrate ``url``, create an organisation, and return a hub over it."""
    migrate(url)
    db = HubDb(url)
    keys = init_org(db, name="Test org", passphrase=ORG_PASSPHRASE, params=FAST_WRAP)
    return Hub(db, keys, HubSettings(database_url=url, **settings))  # type: ignore[arg-type]


def reopen_hub(url: str, keys: OrgKeys, **settings: int) -> Hub:
    """A fresh hub process over the same database (what a restart looks like)."""
    return Hub(HubDb(url), keys, HubSettings(database_url=url, **settings))  # type: ignore[arg-type]


class LiveHub:
    """A hub served by uvicorn on a thread, on a free 127.0.0.1 port."""

    def __init__(self, hub: Hub, port: int = 0) -> None:
        self.hub = hub
        config = uvicorn.Config(
            create_app(hub),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
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

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self.server.should_exit = True
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
    vault = Vault(root, pepper=MemoryPepper(), kdf=FAST_KDF)
    return vault, vault.create("device passphrase")


def enroll(
    hub: Hub,
    url: str,
    root: Path,
    *,
    team: str = "north",
    role: Role = Role.FIELD,
    client: HubClient | None = None,
) -> Device:
    """Create a vault and enroll it with a fresh code."""
    vault, store = new_vault(root)
    code = create_code(hub.db, team=team, role=role, ttl_ms=3_600_000, now_ms=now_ms())
    client = client or connect(url)
    passphrase = ORG_PASSPHRASE if role is Role.COORDINATOR else None
    enroll_device(client, store, code=code, org_passphrase=passphrase)

    def wipe() -> None:
        store.close()
        vault.wipe()

    return Device(vault, store, client, SyncEngine(store, client, on_wipe=wipe), role)


logging.getLogger("parley.hub").setLevel(logging.WARNING)
