"""Where records live in the tables: opaque row names, and reading sealed rows.

Rows are named by a keyed hash of the record or revision id (``Keyring.name``), so
the plaintext ``id`` columns cannot be matched against ids the hub or another
device knows.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from app.errors import RecordNotFound
from app.store import tables
from app.store.crypto import Keyring
from app.store.records import HeadState, unpack_revision
from models import SyncedRecord

__all__ = ["CHUNK", "Rows", "chunks"]

CHUNK = 500


def chunks(items: list[str]) -> Iterable[list[str]]:
    """Split a list for ``IN (...)`` clauses."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class Rows:
    """Sealed row access inside one connection."""

    def __init__(self, conn: Connection, keys: Keyring) -> None:
        self.conn = conn
        self.keys = keys
        self._names: dict[str, str] = {}

    def head_key(self, record_id: str) -> str:
        """Row name of a record's head state."""
        return self.keys.name(f"h/{record_id}")

    def rev_key(self, rev_id: str) -> str:
        """Row name of one revision (also its outbox entry)."""
        key = self._names.get(rev_id)
        if key is None:
            key = self._names[rev_id] = self.keys.name(f"r/{rev_id}")
        return key

    def open_head(self, key: str, blob: bytes) -> HeadState:
        """Decrypt one head row."""
        return HeadState.unpack(self.keys.open(blob, table="h", row_id=key, column="b"))

    def load_heads(self, record_ids: Iterable[str]) -> dict[str, HeadState]:
        """Return the head states of the records that exist, by record id."""
        by_key = {self.head_key(rid): rid for rid in record_ids}
        h = tables.heads
        found: dict[str, HeadState] = {}
        for chunk in chunks(sorted(by_key)):
            query = select(h.c.id, h.c.b).where(h.c.id.in_(chunk))
            for row in self.conn.execute(query):
                found[by_key[row.id]] = self.open_head(row.id, row.b)
        return found

    def load_head(self, record_id: str) -> HeadState | None:
        """Return one record's head state, or ``None``."""
        return self.load_heads([record_id]).get(record_id)

    def load_revision(self, rev_id: str) -> SyncedRecord:
        """Return one revision.

        Raises:
            RecordNotFound: if the vault does not hold it.
        """
        key = self.rev_key(rev_id)
        return self.load_revision_at(key)

    def load_revision_at(self, key: str) -> SyncedRecord:
        """Return the revision stored under row name ``key``."""
        r = tables.revisions
        blob = self.conn.execute(select(r.c.b).where(r.c.id == key)).scalar()
        if blob is None:
            raise RecordNotFound()
        return unpack_revision(self.keys.open(blob, table="r", row_id=key, column="b"))

    def known_revisions(self, rev_ids: Iterable[str]) -> set[str]:
        """Return which of ``rev_ids`` the vault already holds."""
        by_key = {self.rev_key(rid): rid for rid in rev_ids}
        r = tables.revisions
        found: set[str] = set()
        for chunk in chunks(sorted(by_key)):
            query = select(r.c.id).where(r.c.id.in_(chunk))
            found.update(by_key[k] for k in self.conn.execute(query).scalars())
        return found
