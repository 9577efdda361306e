"""The SQLite engine: connection set-up, the single writer, and error translation."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.errors import DiskFull, StoreError, VaultCorrupt
from app.store.files import is_disk_full

__all__ = ["Database", "translate"]

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # FULL: a saved record survives power loss, not only a crash (one fsync per save).
    "PRAGMA synchronous=FULL",
    "PRAGMA secure_delete=ON",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)
_writer_locks: dict[str, threading.RLock] = {}
_locks_guard = threading.Lock()


def _writer_lock(path: Path) -> threading.RLock:
    key = str(path.resolve())
    with _locks_guard:
        return _writer_locks.setdefault(key, threading.RLock())


class Database:
    """One SQLite file: its engine and the process-wide writer lock for that file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = _make_engine(path)
        self._lock = _writer_lock(path)

    @property
    def writer(self) -> threading.RLock:
        """The process-wide write lock of this file (re-entrant).

        The store holds it across a write and the announcement of that write, so
        watchers hear of the changes to one file in commit order.
        """
        return self._lock

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """The one write path: process lock, BEGIN IMMEDIATE, commit or roll back."""
        with self._lock:
            try:
                conn = self.engine.connect().execution_options(begin="IMMEDIATE")
                with conn, conn.begin():
                    yield conn
            except (DBAPIError, SQLAlchemyError, OSError) as exc:
                raise translate(exc, self.path.parent) from None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A consistent read snapshot."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise translate(exc, self.path.parent) from None

    def checkpoint(self) -> None:
        """Fold the WAL into the main file and truncate it (done on lock)."""
        with self._lock:
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except (DBAPIError, SQLAlchemyError, OSError) as exc:
                raise translate(exc, self.path.parent) from None

    def close(self) -> None:
        """Close every connection."""
        self.engine.dispose()


def _make_engine(path: Path) -> Engine:
    # Parameters are hidden from every SQLAlchemy message, so a failed statement can
    # never carry a sealed value (or anything else) into a log.
    engine = create_engine(
        f"sqlite:///{path}",
        hide_parameters=True,
        connect_args={"check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _prepare(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        for pragma in _PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def translate(exc: BaseException, where: Path | None = None) -> StoreError:
    """Map a database or OS error to the app's error tree (no values carried)."""
    if is_disk_full(exc, where) or is_disk_full(getattr(exc, "orig", exc), where):
        return DiskFull("database")
    text = str(getattr(exc, "orig", exc)).lower()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return VaultCorrupt("database")
    return StoreError(type(getattr(exc, "orig", exc)).__name__)
