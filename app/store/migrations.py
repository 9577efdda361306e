"""Schema migrations: an ordered list of named steps, each recorded in table ``v``.

Migrations run on unlock, inside one write transaction each, because a step may need
the data keys (to re-seal values). A failed step rolls back and leaves the file as
it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from app.errors import DiskFull, MigrationFailed, VaultCorrupt
from app.store import tables
from app.store.crypto import Keyring
from app.store.engine import Database

__all__ = ["MIGRATIONS", "Migration", "applied", "migrate"]


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


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_base", _base),
    Migration("0002_outbox", _outbox),
)


def applied(db: Database) -> list[str]:
    """Return the names of the migrations already applied, in order."""
    with db.writing() as conn:
        tables.versions.create(conn, checkfirst=True)
        return [row.name for row in conn.execute(select(tables.versions.c.name))]


def migrate(
    db: Database, keyring: Keyring, steps: Sequence[Migration] = MIGRATIONS
) -> list[str]:
    """Apply every step not yet applied; return the names applied now.

    Raises:
        MigrationFailed: if a step fails; that step's changes are rolled back.
    """
    done = set(applied(db))
    ran: list[str] = []
    for step in steps:
        if step.name in done:
            continue
        try:
            with db.writing() as conn:
                step.apply(conn, keyring)
                conn.execute(insert(tables.versions).values(name=step.name))
        except (DiskFull, VaultCorrupt):
            raise
        except Exception as exc:
            raise MigrationFailed(step.name) from exc
        ran.append(step.name)
    return ran
