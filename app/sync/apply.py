"""Applying pulled pages to the vault, each with its cursor in the same transaction."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

import msgpack
import zstandard
from pydantic import ValidationError

from app.errors import RecordNotFound
from app.store import Entry, Store
from app.sync.identity import Identity
from app.sync.outbox import declarations, field_changes, revision_from_wire
from app.sync.private import Opened, PrivateOpener, team_values_meta
from app.sync.refusals import INCOMING_META, count_incoming
from models import RECORD_TYPES, RecordKind, SyncedRecord
from models.authority import (
    GUARDED_FIELDS,
    Writer,
    claim_refusal,
    entry_refusal,
    owner_after,
    record_refusal,
)
from models.keys import CryptoError, open_sealed, unpad, verify
from models.wire import (
    ALIAS_ADD,
    ALIAS_DEL,
    CERT_CONTEXT,
    MAX_PLAIN_BYTES,
    Certificate,
    RegistryPage,
    RegistrySnapshot,
    SealedItem,
    SealedPage,
    WireError,
    open_signed,
    seal_aad,
    seal_message,
)

__all__ = [
    "CURSOR_META",
    "Applied",
    "apply_registry",
    "apply_sealed",
    "losers_meta",
    "pending_overrides",
]

CURSOR_META = {"registry": "sync.cursor.registry", "sealed": "sync.cursor.sealed"}


def losers_meta(record_id: uuid.UUID) -> str:
    """The meta name under which a registry record's losing values are kept."""
    return f"registry.losers.{record_id.hex}"


@dataclass(frozen=True)
class Applied:
    """What one page did to the vault."""

    new: int
    unreadable: int
    #: revisions dropped because their author's certificate did not allow them
    refused: int = 0


Overrides = dict[uuid.UUID, list[tuple[str, Any]]]


def pending_overrides(store: Store, pending: list[SyncedRecord]) -> Overrides:
    """Field values of registry revisions not yet acknowledged: they win locally
    until the hub has merged them (and then the hub's answer is the truth)."""
    out: Overrides = {}
    cache: dict[uuid.UUID, list[SyncedRecord]] = {}
    for rev in pending:
        if RECORD_TYPES[rev.kind].sealed:
            continue
        if rev.id not in cache:
            cache[rev.id] = store.history(rev.id)
        parent = next(
            (r for r in cache[rev.id] if rev.parents and r.rev == rev.parents[0]), None
        )
        out.setdefault(rev.id, []).extend(field_changes(rev, parent))
    return out


def _model_of(kind: str) -> type[SyncedRecord] | None:
    """The record type of a kind code off the wire (``None`` for an unknown one)."""
    return RECORD_TYPES.get(RecordKind(kind)) if kind in set(RecordKind) else None


def _has_aliases(kind: str) -> bool:
    """Alias ops apply to the types with a set of names (an unknown kind has none)."""
    model = _model_of(kind)
    return model is not None and "aliases" in model.model_fields


def _doc(
    snap: RegistrySnapshot, fields: dict[str, Any], overrides: list[tuple[str, Any]]
) -> dict[str, Any]:
    doc = dict(fields)
    aliases = {a.casefold(): a for a in snap.aliases}
    for name, value in overrides:
        if name == ALIAS_ADD:
            aliases.setdefault(value.casefold(), value)
        elif name == ALIAS_DEL:
            aliases.pop(value.casefold(), None)
        else:
            doc[name] = value
    if _has_aliases(snap.kind):
        doc["aliases"] = list(aliases.values())
    return doc


_META_FIELDS = {"rev", "parents", "hlc", "device"}


def _same(entry: Entry | None, record: SyncedRecord) -> bool:
    if entry is None or entry.conflict:
        return False
    return entry.record.model_dump(exclude=_META_FIELDS) == record.model_dump(
        exclude=_META_FIELDS
    )


def apply_registry(
    store: Store,
    page: RegistryPage,
    overrides: Overrides,
    *,
    opener: PrivateOpener,
    keep: frozenset[uuid.UUID] = frozenset(),
) -> Applied:
    """Apply the hub's merged registry records; keep losing values beside them.

    ``opener`` opens their sealed private fields; a follow-up whose envelope does
    not open for this device is counted unreadable and skipped. Records in
    ``keep`` (refused content the user is to fix) stay as typed.
    """
    revs: list[SyncedRecord] = []
    state: dict[str, Any] = {CURSOR_META["registry"]: page.cursor}
    bad = 0
    writers = _writers(page, opener.identity)
    refused: list[str] = []
    for snap in page.items:
        record_id = uuid.UUID(bytes=snap.id)
        if record_id in keep:
            continue
        opened = opener.open(snap, record_id)
        if opened is None:
            bad += 1
            continue
        held = store.get(record_id)
        fields, codes = _allowed_fields(snap, opened.fields, writers, held)
        refused += codes
        losers = [
            lost
            for lost in opened.losers
            if _entry_code(snap, str(lost[0]), writers.get(str(lost[-1]))) is None
        ]
        opened = Opened(fields, losers, opened.teams)
        doc = _doc(snap, opened.fields, overrides.get(record_id, []))
        doc.update(
            id=record_id, hlc=max(snap.clocks.values(), default=""), device="hub"
        )
        try:
            record = RECORD_TYPES[RecordKind(snap.kind)].model_validate(doc)
        except (ValidationError, ValueError):
            bad += 1
            continue
        if not _same(store.get(record_id), record):
            revs.append(record)
        state[losers_meta(record_id)] = opened.losers or None
        state[team_values_meta(record_id)] = opened.teams or None
    if refused:
        state[INCOMING_META] = count_incoming(store.get_meta(INCOMING_META), refused)
    new = store.apply_remote(revs, state=state, replace_heads=True)
    return Applied(new, bad, len(refused))


def _writers(page: RegistryPage, identity: Identity) -> dict[str, Writer]:
    """The page's writer certificates that verify against the pinned command key."""
    out: dict[str, Writer] = {}
    for signed in page.certs:
        try:
            cert = open_signed(
                identity.command_key, signed, Certificate, context=CERT_CONTEXT
            )
        except (CryptoError, WireError, ValidationError):
            continue
        out[cert.device] = Writer(cert.device, cert.team, cert.role)
    return out


def _team_owned(kind: str) -> bool:
    model = _model_of(kind)
    return model is not None and model.team_owned


def _entry_code(
    snap: RegistrySnapshot, field: str, writer: Writer | None
) -> str | None:
    """The shared rules for one value of a registry entry, by its stamped writer
    (a writer without a verified certificate may not change a guarded field)."""
    if field not in GUARDED_FIELDS or _team_owned(snap.kind):
        return None
    creator = snap.owner or None
    if writer is None:
        return None if creator is None else "needs_coordinator"
    return entry_refusal(writer, creator=creator, field=field)


def _allowed_fields(
    snap: RegistrySnapshot,
    fields: dict[str, Any],
    writers: dict[str, Writer],
    held: Entry | None,
) -> tuple[dict[str, Any], list[str]]:
    """``fields`` with every value its writer may not have written replaced by the
    value this device holds (or left out): a forged rename is never shown."""
    out = dict(fields)
    codes: list[str] = []
    for name in list(out):
        code = _entry_code(snap, name, writers.get(snap.writers.get(name, "")))
        if code is None:
            continue
        codes.append(code)
        if held is not None and name in type(held.record).model_fields:
            out[name] = held.record.model_dump(mode="json")[name]
        else:
            out.pop(name)
    return out, codes


def _open_item(
    item: SealedItem, identity: Identity, records_key: bytes
) -> tuple[Certificate, list[SyncedRecord]]:
    """Verify and open one sealed batch: its author's certificate (pinned by the
    command key), signature, and that the revisions inside are exactly the ones
    it declared. Returns the certificate and the revisions."""
    cert = open_signed(
        identity.command_key, item.cert, Certificate, context=CERT_CONTEXT
    )
    if cert.device != item.device:
        raise CryptoError("certificate")
    message = seal_message(item.device, item.batch, item.ct, item.revs)
    verify(cert.ed, item.sig, message)
    plain = open_sealed(records_key, item.ct, aad=seal_aad(item.device, item.batch))
    reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(unpad(plain)))
    data = reader.read(MAX_PLAIN_BYTES + 1)
    if len(data) > MAX_PLAIN_BYTES:
        raise WireError("too_large")
    revs = [revision_from_wire(kind, doc) for kind, doc in msgpack.unpackb(data)]
    if [tuple(d) for d in item.revs] != declarations(
        revs, signer=(cert.team, cert.device)
    ):
        raise CryptoError("declared")
    return cert, revs


class _Owners:
    """The team owning each sealed record: its first revision's, as held here or
    as accepted earlier in the same page."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seen: dict[uuid.UUID, str] = {}

    def of(self, record_id: uuid.UUID) -> str | None:
        if record_id not in self.seen:
            try:
                history = self.store.history(record_id)
            except RecordNotFound:
                return None
            if not history:
                return None
            self.seen[record_id] = history[0].team
        return self.seen[record_id]


def _refusal(rev: SyncedRecord, writer: Writer, owners: _Owners) -> str | None:
    """The shared rules (:mod:`models.authority`) for one pulled sealed revision."""
    owner = owners.of(rev.id)
    code = claim_refusal(writer, device=rev.device, team=rev.team) or record_refusal(
        writer, owner=owner
    )
    if code is None and owner is None:
        owners.seen[rev.id] = owner_after(writer, owner=None, team=rev.team)
    return code


def apply_sealed(
    store: Store, page: SealedPage, identity: Identity, records_key: bytes
) -> Applied:
    """Open every sealed batch of a page (coordinators) and apply its revisions.

    A batch that fails to verify or decrypt is counted and skipped: it never
    blocks the stream. A revision its author's certificate does not allow (it
    names another device or team, or revises another team's record) is dropped,
    never shown, and counted as refused (by code only).
    """
    revs: list[SyncedRecord] = []
    refused: list[str] = []
    owners = _Owners(store)
    bad = 0
    for item in page.items:
        try:
            cert, opened = _open_item(item, identity, records_key)
        except (
            CryptoError,
            WireError,
            ValidationError,
            ValueError,
            TypeError,
            zstandard.ZstdError,
        ):
            bad += 1
            continue
        writer = Writer(cert.device, cert.team, cert.role)
        for rev in opened:
            code = _refusal(rev, writer, owners)
            if code is None:
                revs.append(rev)
            else:
                refused.append(code)
    state: dict[str, Any] = {CURSOR_META["sealed"]: page.cursor}
    if refused:
        current = store.get_meta(INCOMING_META)
        state[INCOMING_META] = count_incoming(current, refused)
    new = store.apply_remote(revs, state=state)
    return Applied(new, bad, len(refused))
