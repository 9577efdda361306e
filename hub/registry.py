"""Merging registry ops: per-field last-writer-wins with losers kept, add-wins aliases.

Every registry writer first locks the ``registry`` counter row, so merges are
serialised and the stream's sequence numbers follow commit order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import msgpack
from pydantic import ValidationError
from sqlalchemy import Connection, insert, select, update

from hub import tables
from hub.db import HubDb
from hub.regcheck import Op
from hub.streams import bump, lock_counter
from models import RecordKind
from models.authority import (
    Writer,
    claim_refusal,
    entry_refusal,
    owner_after,
    record_refusal,
)
from models.wire import ALIAS_ADD, ALIAS_DEL
from models.wire.private import SEALED_OP, is_sealed_cell, private_op, public_model

__all__ = ["AliasRow", "apply_ops", "present_aliases"]


@dataclass
class _Cell:
    value: bytes
    hlc: str
    device: str
    seq: int | None = None  # None: written by this batch


@dataclass
class AliasRow:
    """One addition of an alias (a tag of the add-wins set)."""

    akey: str
    alias: str
    device: str
    seq: int | None  # None: added by this batch
    removed: bool
    row_id: int | None = None
    dirty: bool = False


@dataclass
class _Plan:
    record_id: str
    kind: str
    exists: bool
    cells: dict[str, _Cell]
    aliases: list[AliasRow]
    dirty: set[str] = field(default_factory=set)
    losers: list[tuple[str, _Cell]] = field(default_factory=list)
    changed: bool = False
    owner: str | None = None  # the owning (creating) team; None: no owner yet
    new_owner: str | None = None  # set when this batch creates or hands it over


def _load(conn: Connection, record_id: str, kind: str) -> _Plan | None:
    rec = conn.execute(
        select(tables.reg_records.c.kind).where(tables.reg_records.c.id == record_id)
    ).first()
    if rec is not None and rec.kind != kind:
        return None
    cells = {
        row.field: _Cell(bytes(row.value), row.hlc, row.device, row.seq)
        for row in conn.execute(
            select(tables.reg_fields).where(tables.reg_fields.c.record_id == record_id)
        )
    }
    aliases = [
        AliasRow(row.akey, row.alias, row.device, row.seq, row.removed, row.id)
        for row in conn.execute(
            select(tables.reg_aliases)
            .where(tables.reg_aliases.c.record_id == record_id)
            .order_by(tables.reg_aliases.c.id)
        )
    ]
    owner = conn.execute(
        select(tables.record_owners.c.team).where(
            tables.record_owners.c.record_id == record_id
        )
    ).scalar()
    return _Plan(record_id, kind, rec is not None, cells, aliases, owner=owner)


def _known_losers(conn: Connection, record_id: str) -> set[tuple[str, str]]:
    rows = conn.execute(
        select(tables.reg_losers.c.field, tables.reg_losers.c.hlc).where(
            tables.reg_losers.c.record_id == record_id
        )
    )
    return {(row.field, row.hlc) for row in rows}


def _seen(seq: int | None, author: str, *, device: str, ctx: int) -> bool:
    """Had ``device`` seen a write (seq, author) when it built a batch at ``ctx``?"""
    return seq is None or seq <= ctx or author == device


def _set_field(
    plan: _Plan, op: Op, *, device: str, ctx: int, known: set[tuple[str, str]]
) -> None:
    """Last writer wins. A value displaced by a write that had not seen it, or a
    write that lost, is kept as a loser; a value simply edited over is not."""
    new = _Cell(op.value, op.hlc, device)
    cur = plan.cells.get(op.field)
    if cur is None or op.hlc > cur.hlc:
        concurrent = cur is not None and not _seen(
            cur.seq, cur.device, device=device, ctx=ctx
        )
        if cur is not None and cur.value != op.value and concurrent:
            plan.losers.append((op.field, cur))
        plan.cells[op.field] = new
        plan.dirty.add(op.field)
        plan.changed = True
    elif op.hlc < cur.hlc and op.value != cur.value and (op.field, op.hlc) not in known:
        plan.losers.append((op.field, new))
        plan.changed = True


def _alias_op(plan: _Plan, op: Op, *, device: str, ctx: int) -> None:
    text: str = msgpack.unpackb(op.value)
    key = text.casefold()
    if op.field == ALIAS_ADD:
        mine = [a for a in plan.aliases if a.akey == key and a.device == device]
        if any(not a.removed for a in mine):
            return
        plan.aliases.append(AliasRow(key, text, device, None, False))
        plan.changed = True
        return
    for alias in plan.aliases:
        seen = _seen(alias.seq, alias.device, device=device, ctx=ctx)
        if alias.akey == key and not alias.removed and seen:
            alias.removed = alias.dirty = True
            plan.changed = True


def present_aliases(aliases: list[AliasRow]) -> list[str]:
    """Aliases with at least one addition no removal has seen, first spelling kept."""
    out: dict[str, str] = {}
    for alias in aliases:
        if not alias.removed and alias.akey not in out:
            out[alias.akey] = alias.alias
    return list(out.values())


def _valid(plan: _Plan) -> bool:
    """The merged hub-readable fields still make a valid record (sealed cells are
    opaque here: the devices that open them check them)."""
    doc: dict[str, Any] = {
        name: msgpack.unpackb(c.value)
        for name, c in plan.cells.items()
        if not is_sealed_cell(name)
    }
    doc["id"] = uuid.UUID(hex=plan.record_id)
    if plan.kind == RecordKind.ACTOR.value:
        doc["aliases"] = present_aliases(plan.aliases)
    try:
        public_model(RecordKind(plan.kind)).model_validate(doc)
    except ValidationError:
        return False
    return True


def _routed_team(plan: _Plan) -> str | None:
    """The team a record sealed to one team is assigned to (a follow-up): it is
    served to that team's devices and the coordinators only ("" when it names
    none: coordinators only). Shared entries: ``None``, served to every device."""
    if private_op(RecordKind(plan.kind)) != SEALED_OP:
        return None
    cell = plan.cells.get("team")
    team = msgpack.unpackb(cell.value) if cell is not None else ""
    return team if isinstance(team, str) else ""


def _op_refusal(plan: _Plan, op: Op, writer: Writer) -> str | None:
    """The shared rules (:mod:`models.authority`) for one op of one record."""
    value = None if op.field in (ALIAS_ADD, ALIAS_DEL) else _plain(op)
    team = value if op.field == "team" and isinstance(value, str) else None
    if op.kind == RecordKind.FOLLOW_UP.value:
        return record_refusal(writer, owner=plan.owner, team=team)
    if op.field == "team":
        refused = claim_refusal(writer, team=value if isinstance(value, str) else "")
        if refused:
            return refused
    return entry_refusal(writer, creator=plan.owner, field=op.field)


def _plain(op: Op) -> Any:
    return None if is_sealed_cell(op.field) else msgpack.unpackb(op.value)


def _authorise(
    plan: _Plan, ops: list[Op], writer: Writer
) -> tuple[list[Op], list[tuple[int, str]]]:
    """Split a record's ops into allowed ones and refusals; settle its owner."""
    allowed: list[Op] = []
    refused: list[tuple[int, str]] = []
    for op in ops:
        code = _op_refusal(plan, op, writer)
        if code is None:
            allowed.append(op)
        else:
            refused.append((op.index, code))
    if allowed:
        team = next(
            (
                v
                for op in allowed
                if op.field == "team" and isinstance(v := _plain(op), str)
            ),
            None,
        )
        if plan.kind != RecordKind.FOLLOW_UP.value:
            team = None  # a registry entry belongs to the team that created it
        after = owner_after(writer, owner=plan.owner, team=team)
        if after != plan.owner:
            plan.new_owner = after
    return allowed, refused


def _plan(
    conn: Connection, ops: list[Op], *, device: str, ctx: int, writer: Writer | None
) -> tuple[_Plan | str, list[tuple[int, str]]]:
    first = ops[0]
    if any(op.kind != first.kind for op in ops):
        return "kind_mismatch", []
    plan = _load(conn, first.record_id, first.kind)
    if plan is None:
        return "kind_mismatch", []
    refused: list[tuple[int, str]] = []
    if writer is not None:
        ops, refused = _authorise(plan, ops, writer)
        if not ops:
            return plan, refused
    known = _known_losers(conn, first.record_id)
    for op in ops:
        if op.field in (ALIAS_ADD, ALIAS_DEL):
            _alias_op(plan, op, device=device, ctx=ctx)
        else:
            _set_field(plan, op, device=device, ctx=ctx, known=known)
    if plan.changed and not _valid(plan):
        return "invalid_record", refused
    return plan, refused


def _write_record(conn: Connection, plan: _Plan, seq: int) -> None:
    records = tables.reg_records
    team = _routed_team(plan)
    if plan.exists:
        where = records.c.id == plan.record_id
        conn.execute(update(records).where(where).values(seq=seq, team=team))
    else:
        conn.execute(
            insert(records).values(
                id=plan.record_id, kind=plan.kind, seq=seq, team=team
            )
        )
    conn.execute(insert(tables.reg_log).values(seq=seq, record_id=plan.record_id))


def _write_fields(conn: Connection, plan: _Plan, seq: int) -> None:
    fields = tables.reg_fields
    for name in plan.dirty:
        cell = plan.cells[name]
        values = {
            "value": cell.value,
            "hlc": cell.hlc,
            "device": cell.device,
            "seq": seq,
        }
        key = (fields.c.record_id == plan.record_id) & (fields.c.field == name)
        if conn.execute(update(fields).where(key).values(**values)).rowcount == 0:
            conn.execute(
                insert(fields).values(record_id=plan.record_id, field=name, **values)
            )
    for name, cell in plan.losers:
        conn.execute(
            insert(tables.reg_losers).values(
                record_id=plan.record_id,
                field=name,
                value=cell.value,
                hlc=cell.hlc,
                device=cell.device,
            )
        )


def _write_aliases(conn: Connection, plan: _Plan, seq: int) -> None:
    aliases = tables.reg_aliases
    for alias in plan.aliases:
        if alias.row_id is None:
            conn.execute(
                insert(aliases).values(
                    record_id=plan.record_id,
                    akey=alias.akey,
                    alias=alias.alias,
                    device=alias.device,
                    seq=seq,
                    removed=alias.removed,
                )
            )
        elif alias.dirty:
            where = aliases.c.id == alias.row_id
            conn.execute(update(aliases).where(where).values(removed=True))


def _write_owner(conn: Connection, plan: _Plan, device: str) -> None:
    owners = tables.record_owners
    if plan.new_owner is None:
        return
    if plan.owner is None:
        conn.execute(
            insert(owners).values(
                record_id=plan.record_id,
                kind=plan.kind,
                team=plan.new_owner,
                creator=device,
            )
        )
    else:
        where = owners.c.record_id == plan.record_id
        conn.execute(update(owners).where(where).values(team=plan.new_owner))


def _write(conn: Connection, plan: _Plan, *, seq: int, device: str) -> None:
    _write_owner(conn, plan, device)
    _write_record(conn, plan, seq)
    _write_fields(conn, plan, seq)
    _write_aliases(conn, plan, seq)


def apply_ops(
    db: HubDb,
    conn: Connection,
    ops: list[Op],
    *,
    device: str,
    ctx: int,
    writer: Writer | None = None,
) -> list[tuple[int, str]]:
    """Merge checked ops into the registry inside ``conn``'s transaction.

    ``writer`` (from the signer's certificate) is held to the shared rules of
    :mod:`models.authority`, op by op: a refused op does not stop the others.
    ``None`` skips them (only the relay test hub does).

    Returns ``(op index, code)`` for every op that was refused or whose record
    could not be merged.
    """
    lock_counter(conn, "registry")
    rejects: list[tuple[int, str]] = []
    plans: list[_Plan] = []
    for _, group in groupby(
        sorted(ops, key=lambda o: (o.record_id, o.index)), key=lambda o: o.record_id
    ):
        record_ops = list(group)
        result, refused = _plan(conn, record_ops, device=device, ctx=ctx, writer=writer)
        rejects.extend(refused)
        done = {index for index, _ in refused}
        if isinstance(result, str):
            rejects.extend(
                (op.index, result) for op in record_ops if op.index not in done
            )
        elif result.changed:
            plans.append(result)
    if plans:
        first = bump(conn, "registry", len(plans))
        for n, plan in enumerate(plans):
            _write(conn, plan, seq=first + n, device=device)
    return rejects
