"""Building frozen batches from the outbox.

A batch holds registry ops first (diffed per field against each revision's parent)
and then a sealed part: ``seal(records_key, pad(zstd(msgpack(revisions))))``
signed by the device. It is capped in bytes and in registry ops (the hub's
:data:`~models.wire.MAX_BATCH_OPS`), frozen in the vault before it is
sent, and resent byte-identical until the hub acknowledges it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import msgpack
import zstandard

from app.store import Store
from app.sync.identity import Identity
from app.sync.private import PrivateSealer
from models import RECORD_TYPES, RecordKind, SyncedRecord
from models.keys import pad, seal, sign
from models.wire import (
    ALIAS_ADD,
    ALIAS_DEL,
    MAX_BATCH_OPS,
    Batch,
    Declared,
    RegistryOpWire,
    SealedPart,
    declared,
    op_fields,
    seal_aad,
    seal_message,
)
from models.wire.private import is_sealed_cell

__all__ = [
    "HELD_META",
    "INFLIGHT_META",
    "LAST_SEQ_META",
    "Frozen",
    "build_batch",
    "field_changes",
    "compress_revisions",
    "revision_from_wire",
    "declarations",
    "seal_part",
]

INFLIGHT_META = "sync.inflight"
HELD_META = "sync.inflight.held"  # bytes of the in-flight batch the hub has stored
LAST_SEQ_META = "sync.last_seq"
SEAL_LEVEL = 12  # zstd level for sealed parts: built once, sent over 2G
_FIRST_GUESS = 0.3  # compressed/raw ratio assumed before the first try
_OP_OVERHEAD = 48


@dataclass(frozen=True)
class Frozen:
    """A batch as stored in the vault until acknowledged."""

    seq: int
    body: bytes
    revs: list[str]
    sealed_records: list[str]
    #: sealed at save time and kept in the send queue (:mod:`app.sync.queue`)
    queued: bool = False

    def to_meta(self) -> dict[str, Any]:
        """Serialise for ``set_meta``."""
        return {
            "seq": self.seq,
            "body": self.body,
            "revs": self.revs,
            "sealed": self.sealed_records,
        }

    @classmethod
    def from_meta(cls, data: dict[str, Any]) -> Frozen:
        """Undo :meth:`to_meta`."""
        return cls(data["seq"], data["body"], list(data["revs"]), list(data["sealed"]))

    def refused(
        self, rejects: list[tuple[int, str]]
    ) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
        """Which records this batch carried (id hex -> kind), and which of them
        the hub refused (id hex -> (field, code)), from its op rejects."""
        batch = msgpack.unpackb(self.body, raw=False)
        ops = batch.get("ops") or []
        sent = {uuid.UUID(bytes=op[2]).hex: str(op[1]) for op in ops}
        sent.update((uuid.UUID(r).hex, "") for r in self.sealed_records)
        refused: dict[str, tuple[str, str]] = {}
        declared = (batch.get("sealed") or {}).get("revs") or []
        for index, code in rejects:
            if 0 <= index < len(ops):
                op = ops[index]
                refused.setdefault(uuid.UUID(bytes=op[2]).hex, (str(op[3]), code))
            elif 0 <= -1 - index < len(declared):  # a sealed revision (-1, -2, ...)
                rid = uuid.UUID(bytes=declared[-1 - index][0]).hex
                if refused.get(rid, ("", "part_refused"))[1] == "part_refused":
                    refused[rid] = ("", code)
        return sent, refused


def _json(record: SyncedRecord) -> dict[str, Any]:
    out: dict[str, Any] = record.model_dump(mode="json")
    return out


def field_changes(
    rev: SyncedRecord, parent: SyncedRecord | None
) -> list[tuple[str, Any]]:
    """What a registry revision changed against its parent: (field, value) pairs.

    Alias changes come as (``+alias``/``-alias``, text). Without a parent every
    field is sent.
    """
    kind = RecordKind(rev.kind)
    now, base = _json(rev), _json(parent) if parent is not None else {}
    out = [
        (f, now[f])
        for f in sorted(op_fields(kind))
        if parent is None or now[f] != base.get(f)
    ]
    if "aliases" in now:  # a set of names: sent as additions and removals
        old = {a.casefold(): a for a in base.get("aliases", [])}
        new = {a.casefold(): a for a in now.get("aliases", [])}
        out += [(ALIAS_ADD, new[k]) for k in new if k not in old]
        out += [(ALIAS_DEL, old[k]) for k in old if k not in new]
    return out


def _parent(
    store: Store, rev: SyncedRecord, cache: dict[uuid.UUID, list[SyncedRecord]]
) -> SyncedRecord | None:
    if not rev.parents:
        return None
    if rev.id not in cache:
        cache[rev.id] = store.history(rev.id)
    wanted = rev.parents[0]
    return next((r for r in cache[rev.id] if r.rev == wanted), None)


def _with_resent(
    rev: SyncedRecord, changes: list[tuple[str, Any]], field: str | None
) -> list[tuple[str, Any]]:
    """Add a field the hub refused before (its current value) to a revision's ops."""
    if field is None:
        return changes
    now = _json(rev)
    if field == ALIAS_ADD:
        sent = {v for name, v in changes if name == ALIAS_ADD}
        more = [a for a in now.get("aliases", []) if a not in sent]
        return changes + [(ALIAS_ADD, alias) for alias in more]
    if any(name == field for name, _ in changes):
        return changes
    if field in op_fields(RecordKind(rev.kind)):
        return changes + [(field, now[field])]
    return changes


def _forced(field: str | None) -> bool:
    """The hub refused this record's sealed op before: seal it again."""
    return field is not None and is_sealed_cell(field)


def _registry_ops(
    store: Store,
    revs: list[SyncedRecord],
    budget: int,
    resend: dict[uuid.UUID, str],
    sealer: PrivateSealer,
) -> tuple[list[RegistryOpWire], list[SyncedRecord]]:
    ops: list[RegistryOpWire] = []
    taken: list[SyncedRecord] = []
    used = 0
    cache: dict[uuid.UUID, list[SyncedRecord]] = {}
    for rev in revs:
        changes = field_changes(rev, _parent(store, rev, cache))
        changes = _with_resent(rev, changes, resend.get(rev.id))
        changes = sealer.ops(rev, changes, forced=_forced(resend.get(rev.id)))
        size = sum(len(msgpack.packb(v)) + _OP_OVERHEAD for _, v in changes)
        too_many = len(ops) + len(changes) > MAX_BATCH_OPS
        if taken and (used + size > budget or too_many):
            break
        start = len(ops)
        ops += [
            (start + i, rev.kind.value, rev.id.bytes, f, v, rev.hlc)
            for i, (f, v) in enumerate(changes)
        ]
        taken.append(rev)
        used += size
    return ops, taken


def _compress(revs: list[SyncedRecord]) -> bytes:
    packed = msgpack.packb([[r.kind.value, r.model_dump_json().encode()] for r in revs])
    return zstandard.ZstdCompressor(level=SEAL_LEVEL).compress(packed)


def _fit(revs: list[SyncedRecord], budget: int) -> tuple[list[SyncedRecord], bytes]:
    """The longest prefix of ``revs`` whose compressed form fits ``budget`` (>= 1).

    Guesses from the raw size, then narrows between the longest prefix known to fit
    and the shortest known not to, until the batch is at least 95% full.
    """
    n, total = 0, 0
    for rev in revs:
        total += len(rev.model_dump_json()) + 16
        if n and total * _FIRST_GUESS > budget:
            break
        n += 1
    fits: tuple[int, bytes] | None = None
    too_big = len(revs) + 1
    for _ in range(6):
        data = _compress(revs[:n])
        if len(data) <= budget or n == 1:
            fits = (n, data)
            if n == len(revs) or len(data) >= 0.95 * budget:
                break
            guess = int(n * budget * 0.98 / max(len(data), 1))
        else:
            too_big = n
            guess = int(n * budget * 0.98 / len(data))
        low = fits[0] if fits else 0
        n = max(low + 1, min(too_big - 1, guess, len(revs)))
        if n <= low or n >= too_big:
            break
    if fits is None:
        fits = (1, _compress(revs[:1]))
    return revs[: fits[0]], fits[1]


def compress_revisions(revs: list[SyncedRecord]) -> bytes:
    """The plaintext of a sealed part: ``zstd(msgpack([[kind, json], ...]))``."""
    return _compress(revs)


def declarations(
    revs: list[SyncedRecord], *, signer: tuple[str, str]
) -> list[Declared]:
    """What a sealed part signed by ``signer`` (team, device) declares of its
    revisions, in order (see :data:`Declared`)."""
    return [declared(r.id.bytes, r.team, r.device, signer=signer) for r in revs]


def seal_part(
    identity: Identity, seq: int, compressed: bytes, revs: list[Declared]
) -> SealedPart:
    """Seal compressed revisions to the records key for batch ``seq`` and sign
    them with their declarations (:func:`declarations` of the same revisions)."""
    return _sealed(identity, seq, compressed, revs)


def _sealed(
    identity: Identity, seq: int, compressed: bytes, revs: list[Declared]
) -> SealedPart:
    ct = seal(identity.records_key, pad(compressed), aad=seal_aad(identity.device, seq))
    message = seal_message(identity.device, seq, ct, revs)
    return SealedPart(ct=ct, sig=sign(identity.ed, message), revs=revs)


def build_batch(
    store: Store,
    identity: Identity,
    pending: list[SyncedRecord],
    *,
    seq: int,
    ctx: int,
    max_bytes: int,
    sealer: PrivateSealer,
    resend: dict[uuid.UUID, str] | None = None,
) -> Frozen | None:
    """Freeze the next batch of ``pending`` (oldest first), or ``None`` if empty.

    ``resend`` names, per record, a field the hub refused earlier: a new revision
    of that record carries the field again (fixed, or refused again).
    ``sealer`` turns private fields into envelope ops: none leaves in plaintext.
    """
    registry = [r for r in pending if not RECORD_TYPES[r.kind].sealed]
    sealed = [r for r in pending if RECORD_TYPES[r.kind].sealed]
    if not registry and not sealed:
        return None
    ops, taken = _registry_ops(store, registry, max_bytes, resend or {}, sealer)
    used = sum(len(msgpack.packb(list(op))) for op in ops) // 3
    part: SealedPart | None = None
    chosen: list[SyncedRecord] = []
    if sealed and (not taken or used < max_bytes // 2):
        chosen, compressed = _fit(sealed, max_bytes - used)
        signer = (identity.team, identity.device)
        part = _sealed(identity, seq, compressed, declarations(chosen, signer=signer))
    batch = Batch(device=identity.device, seq=seq, ctx=ctx, ops=ops, sealed=part)
    body: bytes = msgpack.packb(batch.dump(), use_bin_type=True)
    revs = [str(r.rev) for r in [*taken, *chosen]]
    return Frozen(seq, body, revs, sorted({str(r.id) for r in chosen}))


def revision_from_wire(kind: str, doc: bytes) -> SyncedRecord:
    """Parse one revision from a sealed part.

    Raises:
        ValueError: if the kind is unknown or the document invalid.
    """
    return RECORD_TYPES[RecordKind(kind)].model_validate_json(doc)
