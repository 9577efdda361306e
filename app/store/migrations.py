"""Schema migrations: an ordered list of named steps, each recorded in table ``v``.

Migrations run on unlock, inside one write transaction each, because a step may need
the data keys (to re-seal values). A failed step rolls back and leaves the file as
it was.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, create_engine, insert, select, update
from sqlalchemy.pool import StaticPool

from app.errors import DiskFull, MigrationFailed, VaultCorrupt
from app.store import tables
from app.store.crypto import Keyring
from app.store.engine import Database

__all__ = [
    "MIGRATIONS",
    "Migration",
    "empty_database",
    "initialise",
    "migrate",
    "schema_present",
]


@dataclass(frozen=True, slots=True)
class Migration:
    """One named schema step."""

    name: str
    apply: Callable[[Connection, Keyring], None]


def _base(conn: Connection, keyring: Keyring) -> None:
    for table in (tables.meta, tables.revisions, tables.heads):
        table.create(conn)


def _outbox(conn: Connection, keyring: Keyring) -> None:
    # Before sync existed nothing had been sent, so every revision starts queued.
    tables.outbox.create(conn)
    rows = conn.execute(select(tables.revisions.c.id).order_by(tables.revisions.c.id))
    ids = [{"id": row.id} for row in rows]
    if ids:
        conn.execute(insert(tables.outbox), ids)


def _opaque_row_ids(conn: Connection, keyring: Keyring) -> None:
    # Rows were keyed by record and revision ids, which the hub and other devices
    # also know. Re-key them by keyed hash and re-seal each value for its new place.
    for table, prefix in ((tables.heads, "h"), (tables.revisions, "r")):
        for row in conn.execute(select(table.c.id, table.c.b)).all():
            plain = keyring.open(row.b, table=table.name, row_id=row.id, column="b")
            key = keyring.name(f"{prefix}/{row.id}")
            blob = keyring.seal(plain, table=table.name, row_id=key, column="b")
            conn.execute(
                update(table).where(table.c.id == row.id).values(id=key, b=blob)
            )
    q = tables.outbox
    for row in conn.execute(select(q.c.n, q.c.id)).all():
        key = keyring.name(f"r/{row.id}")
        conn.execute(update(q).where(q.c.n == row.n).values(id=key))


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_base", _base),
    Migration("0002_outbox", _outbox),
    Migration("0003_opaque_row_ids", _opaque_row_ids),
)


def schema_present(db: Database) -> bool:
    """True when the database holds Parley's schema (read only, writes nothing)."""
    with db.reading() as conn:
        found = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='v'"
        ).scalar()
        if not found:
            return False
        names = set(conn.execute(select(tables.versions.c.name)).scalars())
    return MIGRATIONS[0].name in names


def migrate(
    db: Database, keyring: Keyring, steps: Sequence[Migration] = MIGRATIONS
) -> list[str]:
    """Apply every step not yet applied, all in one transaction; return their names.

    Raises:
        MigrationFailed: if a step fails; nothing of the upgrade is kept.
    """
    ran: list[str] = []
    current = "start"
    try:
        with db.writing() as conn:
            tables.versions.create(conn, checkfirst=True)
            done = set(conn.execute(select(tables.versions.c.name)).scalars())
            for step in steps:
                if step.name in done:
                    continue
                current = step.name
                step.apply(conn, keyring)
                conn.execute(insert(tables.versions).values(name=step.name))
                ran.append(step.name)
    except (DiskFull, VaultCorrupt):
        raise
    except Exception as exc:
        # No chained cause: a failed statement's text could carry stored values.
        raise MigrationFailed(f"{current}:{type(exc).__name__}") from None
    return ran


def initialise(db: Database) -> None:
    """Give a new, empty database the current schema, with every step marked done.

    A new file has nothing to upgrade, so no step runs and no key is needed: the
    vault can lay out a database before anyone has unlocked it (the start after an
    interrupted duress unlock does).

    Raises:
        DiskFull: if the file cannot be written.
    """
    with db.writing() as conn:
        tables.metadata.create_all(conn)
        conn.execute(insert(tables.versions), [{"name": m.name} for m in MIGRATIONS])


@functools.cache
def empty_database() -> bytes:
    """The bytes of a new database file at the current schema, in WAL mode.

    Built once per process in memory: laying out a vault then costs one write and
    one flush instead of a dozen SQLite commits. No key is involved, so every
    empty vault's database starts byte for byte the same.
    """
    raw = sqlite3.connect(":memory:", check_same_thread=False)
    engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
    try:
        with engine.begin() as conn:
            tables.metadata.create_all(conn)
            names = [{"name": m.name} for m in MIGRATIONS]
            conn.execute(insert(tables.versions), names)
        data = bytearray(raw.serialize())
    finally:
        engine.dispose()
        raw.close()
    data[18] = data[19] = 2  # file format 2: WAL, as PRAGMA journal_mode=WAL sets it
    return bytes(data)
