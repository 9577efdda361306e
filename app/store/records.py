"""How records are laid out inside sealed cells, and how heads are chosen."""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
import uuid
from dataclasses import dataclass, field
from typing import Any

import msgpack
from pydantic import ValidationError

from app.errors import RecordUnreadable
from models import RECORD_TYPES, RecordKind, SyncedRecord

__all__ = ["Entry", "HeadState", "decode_record", "pick_winner", "stub_doc"]

PURGED = 1
# What a purged record keeps: identity and revision metadata, no content.
_STUB_KEEP = frozenset({"id", "rev", "parents", "hlc", "device", "team", "deleted"})
# Placeholders for the required content fields of a stub, by field type (never
# shown: the app checks ``Entry.purged``). Chosen from the type, so a new sealed
# record type needs nothing here.
_EPOCH_DAY = "1970-01-01"
_EPOCH = "1970-01-01T00:00:00Z"


def decode_record(kind: str, doc: bytes) -> SyncedRecord:
    """Validate a stored JSON document into its model.

    Raises:
        RecordUnreadable: if it no longer fits its model (no value is quoted).
    """
    try:
        return RECORD_TYPES[RecordKind(kind)].model_validate_json(doc)
    except (ValidationError, ValueError):
        raise RecordUnreadable("model") from None


@dataclass(frozen=True, slots=True)
class Entry:
    """A record's current state as the app shows it."""

    record: SyncedRecord
    heads: tuple[uuid.UUID, ...]
    purged: bool = False

    @property
    def conflict(self) -> bool:
        """Two or more revisions replace the same parent: someone must choose."""
        return len(self.heads) > 1


@dataclass
class HeadState:
    """The plaintext of one ``h`` cell: the revision graph and the winning body."""

    kind: str
    graph: dict[str, list[str]] = field(default_factory=dict)  # rev -> parents
    order: list[str] = field(default_factory=list)  # revs in arrival order
    doc: bytes = b""
    flags: int = 0
    dirty: bool = False

    def heads(self) -> list[str]:
        """Revisions that no other known revision names as a parent."""
        replaced = {p for parents in self.graph.values() for p in parents}
        return [rev for rev in self.order if rev not in replaced]

    def add(self, rev: str, parents: list[str]) -> None:
        """Record one more revision in the graph."""
        if rev not in self.graph:
            self.graph[rev] = parents
            self.order.append(rev)

    def pack(self) -> bytes:
        """Serialise for sealing."""
        graph = [[rev, self.graph[rev]] for rev in self.order]
        out: bytes = msgpack.packb([self.kind, graph, self.flags, self.doc])
        return out

    @classmethod
    def unpack(cls, data: bytes) -> HeadState:
        """Parse what :meth:`pack` made."""
        kind, graph, flags, doc = msgpack.unpackb(data)
        state = cls(kind=kind, flags=flags, doc=doc)
        for rev, parents in graph:
            state.add(rev, list(parents))
        return state

    def entry(self) -> Entry:
        """Return the app-facing view of this state."""
        heads = tuple(uuid.UUID(h) for h in self.heads())
        return Entry(
            decode_record(self.kind, self.doc), heads, bool(self.flags & PURGED)
        )


def pick_winner(candidates: list[SyncedRecord]) -> SyncedRecord:
    """Choose the revision shown while a conflict is open: latest clock, then rev id."""
    return max(candidates, key=lambda r: (r.hlc, str(r.rev)))


def stub_doc(record: SyncedRecord) -> bytes:
    """Return the stored body of a purged record: metadata only, content emptied."""
    model = type(record)
    kept = {k: v for k, v in record.model_dump(mode="json").items() if k in _STUB_KEEP}
    fill = {
        name: _placeholder(info.annotation)
        for name, info in model.model_fields.items()
        if info.is_required() and name not in kept
    }
    return model.model_validate(kept | fill).model_dump_json().encode()


def _placeholder(annotation: Any) -> Any:
    """A value any field of this type accepts: epoch dates, first choices, a dash."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) in (
        typing.Union,
    ):
        return None if type(None) in typing.get_args(annotation) else "-"
    if isinstance(annotation, type):
        if issubclass(annotation, dt.datetime):
            return _EPOCH
        if issubclass(annotation, dt.date):
            return _EPOCH_DAY
        if issubclass(annotation, enum.Enum):
            return next(iter(annotation)).value
        if issubclass(annotation, bool | int | float):
            return 0
        if issubclass(annotation, uuid.UUID):
            return str(uuid.UUID(int=0))
    return "-"


def pack_revision(kind: str, doc: bytes) -> bytes:
    """Serialise one revision (its kind and JSON document) for sealing."""
    out: bytes = msgpack.packb([kind, doc])
    return out


def unpack_revision(data: bytes) -> SyncedRecord:
    """Parse what :func:`pack_revision` made."""
    kind, doc = msgpack.unpackb(data)
    return decode_record(kind, doc)


def as_meta(value: Any) -> bytes:
    """Serialise a settings or state value."""
    out: bytes = msgpack.packb(value, datetime=False)
    return out
