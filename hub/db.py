"""The hub database: engines for SQLite and PostgreSQL, transactions, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.sql.dml import Insert

from hub.errors import HubError
from hub.writegate import GateTimeout, WriteGate

__all__ = ["HubDb", "migrate", "normalize_url"]

_MIGRATIONS = Path(__file__).parent / "migrations"
_GATE_S = 30.0  # as long as SQLite's busy timeout
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # FULL: an acknowledged batch survives power loss, not only a crash.
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=30000",
    "PRAGMA foreign_keys=ON",
)


def normalize_url(url: str) -> str:
    """Pick the psycopg 3 driver for ``postgresql://`` URLs; leave others alone."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_file(url: str) -> Path | None:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url[len("sqlite:///") :].split("?", 1)[0])
    return None


def _private_file(path: Path) -> None:
    """Create a SQLite file readable by its owner only, before SQLite opens it
    (SQLite gives its -wal and -shm files the database file's mode)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if not url.startswith("sqlite"):
        # Parameters never reach a log line: they can be ciphertext or registry text.
        # pre_ping: after a database restart, dead pooled connections are replaced
        # instead of failing one request each.
        return create_engine(
            url,
            hide_parameters=True,
            pool_size=10,
            max_overflow=20,
            pool_pre_ping=True,
        )
    path = _sqlite_file(url)
    if path is not None:
        _private_file(path)
    engine = create_engine(
        url,
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _prepare(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class HubDb:
    """One hub database. Writers on SQLite take ``BEGIN IMMEDIATE``; on PostgreSQL
    they lock rows (``SELECT ... FOR UPDATE``) where order matters."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.is_postgres = self.url.startswith("postgresql")
        self.engine = _make_engine(self.url)
        self._gate = WriteGate()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any error.

        On SQLite this process's writers queue in arrival order first
        (:mod:`hub.writegate`).

        Raises:
            HubError: 503 ``database_busy`` after 30 s behind other writers.
        """
        if self.is_postgres:
            with self.engine.connect() as conn, conn.begin():
                yield conn
            return
        try:
            self._gate.acquire(timeout=_GATE_S)
        except GateTimeout:
            raise HubError(503, "database_busy") from None
        try:
            options = {"begin": "IMMEDIATE"}
            connection = self.engine.connect().execution_options(**options)
            with connection as conn, conn.begin():
                yield conn
        finally:
            self._gate.release()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (one snapshot on SQLite, read committed on PostgreSQL)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def insert_ignore(self, table: Table) -> Insert:
        """``INSERT ... ON CONFLICT DO NOTHING`` in this database's dialect."""
        if self.is_postgres:
            return postgresql.insert(table).on_conflict_do_nothing()
        return sqlite_dialect.insert(table).on_conflict_do_nothing()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def migrate(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` to ``revision`` with Alembic (SQLite or PG).

    ``"base"`` downgrades to an empty schema.
    """
    url = normalize_url(url)
    path = _sqlite_file(url)
    if path is not None:
        _private_file(path)
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    engine = create_engine(url, hide_parameters=True)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            if revision == "base":
                command.downgrade(config, revision)
            else:
                command.upgrade(config, revision)
    finally:
        engine.dispose()
