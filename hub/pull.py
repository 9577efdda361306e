"""Pull pages by per-stream cursor, cut at a byte budget (at least one item)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import msgpack
from sqlalchemy import Connection, select

from hub import tables
from hub.registry import AliasRow, present_aliases
from models.wire import (
    PackOffer,
    RegistryPage,
    RegistrySnapshot,
    SealedItem,
    SealedPage,
    Signed,
    unpack_signed,
)
from models.wire.private import TEAM_PREFIX, team_cell

__all__ = ["Reader", "pack_offer", "registry_page", "sealed_page"]

LOSERS_SHOWN = 5
_LOG_WINDOW = 500
_SEALED_WINDOW = 200


def _size(obj: Any) -> int:
    return len(msgpack.packb(obj, use_bin_type=True))


@dataclass(frozen=True)
class Reader:
    """Who pulls: a coordinator reads every team's sealed cells and follow-ups,
    a field device its own team's only."""

    team: str
    coordinator: bool

    def sees_record(self, team: str | None) -> bool:
        """A follow-up (``team`` set) is served to its team and coordinators."""
        return self.coordinator or team is None or team == self.team

    def sees_cell(self, name: str) -> bool:
        """Another team's sealed cell of a shared entry is not served at all."""
        if self.coordinator or not name.startswith(TEAM_PREFIX):
            return True
        return name == team_cell(self.team)


def snapshots(
    conn: Connection, ids: list[str], reader: Reader
) -> dict[str, RegistrySnapshot]:
    """Build the merged state of several registry records, as ``reader`` sees it."""
    t = tables
    kinds = {
        row.id: row.kind
        for row in conn.execute(
            select(t.reg_records).where(t.reg_records.c.id.in_(ids))
        )
    }
    fields: dict[str, dict[str, Any]] = defaultdict(dict)
    clocks: dict[str, dict[str, str]] = defaultdict(dict)
    writers: dict[str, dict[str, str]] = defaultdict(dict)
    for row in conn.execute(
        select(t.reg_fields).where(t.reg_fields.c.record_id.in_(ids))
    ):
        if not reader.sees_cell(row.field):
            continue
        fields[row.record_id][row.field] = msgpack.unpackb(bytes(row.value))
        clocks[row.record_id][row.field] = row.hlc
        writers[row.record_id][row.field] = row.device
    owners = {
        row.record_id: row.team
        for row in conn.execute(
            select(t.record_owners).where(t.record_owners.c.record_id.in_(ids))
        )
    }
    aliases: dict[str, list[AliasRow]] = defaultdict(list)
    query = select(t.reg_aliases).where(t.reg_aliases.c.record_id.in_(ids))
    for row in conn.execute(query.order_by(t.reg_aliases.c.id)):
        aliases[row.record_id].append(
            AliasRow(row.akey, row.alias, row.device, row.seq, row.removed)
        )
    losers: dict[str, dict[str, list[tuple[Any, str, str]]]] = defaultdict(dict)
    query = select(t.reg_losers).where(t.reg_losers.c.record_id.in_(ids))
    for row in conn.execute(query.order_by(t.reg_losers.c.id.desc())):
        if not reader.sees_cell(row.field):
            continue
        shown = losers[row.record_id].setdefault(row.field, [])
        if len(shown) < LOSERS_SHOWN:
            shown.append((msgpack.unpackb(bytes(row.value)), row.hlc, row.device))
    return {
        rid: RegistrySnapshot(
            id=uuid.UUID(hex=rid).bytes,
            kind=kind,
            fields=fields[rid],
            clocks=clocks[rid],
            aliases=present_aliases(aliases[rid]),
            losers=losers[rid],
            writers=writers[rid],
            owner=owners.get(rid, ""),
        )
        for rid, kind in kinds.items()
    }


def registry_page(
    conn: Connection, cursor: int, max_bytes: int, reader: Reader
) -> RegistryPage:
    """Records changed after ``cursor``, each once, in their current merged state.

    Records ``reader`` may not see are skipped (the cursor still moves past them).
    """
    log, records = tables.reg_log, tables.reg_records
    rows = conn.execute(
        select(log.c.seq, log.c.record_id, records.c.team)
        .join(records, records.c.id == log.c.record_id)
        .where(log.c.seq > cursor)
        .order_by(log.c.seq)
        .limit(_LOG_WINDOW)
    ).all()
    ids = list(
        dict.fromkeys(row.record_id for row in rows if reader.sees_record(row.team))
    )
    snaps = snapshots(conn, ids, reader) if ids else {}
    items: list[RegistrySnapshot] = []
    included: set[str] = set()
    used, new_cursor = 0, cursor
    more = len(rows) == _LOG_WINDOW
    for row in rows:
        if row.record_id in snaps and row.record_id not in included:
            snap = snaps[row.record_id]
            size = _size(snap.dump())
            if items and used + size > max_bytes:
                more = True
                break
            items.append(snap)
            included.add(row.record_id)
            used += size
        new_cursor = row.seq
    certs = writer_certificates(conn, items)
    return RegistryPage(items=items, cursor=new_cursor, more=more, certs=certs)


def writer_certificates(
    conn: Connection, items: list[RegistrySnapshot]
) -> list[Signed]:
    """The certificates of every device that wrote a value or loser on the page."""
    ids = {d for snap in items for d in snap.writers.values()}
    ids |= {lost[2] for snap in items for cell in snap.losers.values() for lost in cell}
    if not ids:
        return []
    d = tables.devices
    rows = conn.execute(select(d.c.id, d.c.cert).where(d.c.id.in_(sorted(ids))))
    return [unpack_signed(bytes(row.cert)) for row in rows]


def sealed_page(conn: Connection, cursor: int, max_bytes: int) -> SealedPage:
    """Sealed batches after ``cursor``, with their authors' certificates."""
    t = tables
    rows = conn.execute(
        select(t.sealed)
        .where(t.sealed.c.seq > cursor)
        .order_by(t.sealed.c.seq)
        .limit(_SEALED_WINDOW)
    ).all()
    authors = {row.device for row in rows}
    certs = {
        row.id: unpack_signed(bytes(row.cert))
        for row in conn.execute(
            select(t.devices.c.id, t.devices.c.cert).where(t.devices.c.id.in_(authors))
        )
    }
    items: list[SealedItem] = []
    used = 0
    for row in rows:
        revs = msgpack.unpackb(bytes(row.decl)) if row.decl is not None else []
        size = len(row.ct) + 300 + 80 * len(revs)
        if items and used + size > max_bytes:
            return SealedPage(items=items, cursor=items[-1].seq, more=True)
        items.append(
            SealedItem(
                seq=row.seq,
                device=row.device,
                batch=row.batch,
                ct=bytes(row.ct),
                sig=bytes(row.sig),
                cert=certs[row.device],
                revs=revs,
            )
        )
        used += size
    last = items[-1].seq if items else cursor
    return SealedPage(items=items, cursor=last, more=len(rows) == _SEALED_WINDOW)


def pack_offer(conn: Connection, installed: int) -> PackOffer | None:
    """The newest guidance pack if it is newer than ``installed``."""
    row = conn.execute(
        select(tables.packs.c.version, tables.packs.c.manifest)
        .order_by(tables.packs.c.version.desc())
        .limit(1)
    ).first()
    if row is None or row.version <= installed:
        return None
    return PackOffer(manifest=unpack_signed(bytes(row.manifest)), version=row.version)
