"""``POST /v1/sync``: the pushed batch, the pull pages, and the answer."""

from __future__ import annotations

import functools
import hashlib
from enum import StrEnum
from typing import Annotated, Any

import msgpack
from pydantic import Field, model_validator

from models.base import RecordKind
from models.records import RECORD_TYPES
from models.wire.codec import DEFAULT_PAGE_BYTES, WIRE_VERSION, WireModel
from models.wire.directory import Directory
from models.wire.signed import Signed

__all__ = [
    "ALIAS_ADD",
    "ALIAS_DEL",
    "ID_BYTES",
    "REGISTRY_KINDS",
    "Ack",
    "Batch",
    "Declared",
    "MAX_DECLARED",
    "PackOffer",
    "Push",
    "RegistryOpWire",
    "RegistryPage",
    "RegistrySnapshot",
    "SealedItem",
    "SealedPage",
    "SealedPart",
    "Stream",
    "batch_digest",
    "declared",
    "declared_claims",
    "SyncRequest",
    "SyncResponse",
    "op_fields",
    "seal_aad",
    "seal_message",
]

ALIAS_ADD = "+alias"
ALIAS_DEL = "-alias"
ID_BYTES = 16


class Stream(StrEnum):
    """Pull streams: the unit of authorisation and of cursors."""

    REGISTRY = "registry"  # actors, places, follow-ups; every device
    SEALED = "sealed"  # contact and checkpoint batches; coordinators only
    PACKS = "packs"  # signed guidance packs; every device
    DIRECTORY = "directory"  # certificates of the devices to seal to; every device


# -- push ----------------------------------------------------------------------------

# Kinds the hub can read and merge per field; the other kinds travel sealed.
REGISTRY_KINDS = frozenset(
    {RecordKind.ACTOR, RecordKind.PLACE, RecordKind.FOLLOW_UP, RecordKind.BRIEFING}
)
_NOT_OPS = frozenset({"id", "rev", "parents", "hlc", "device", "aliases"})


@functools.cache
def op_fields(kind: RecordKind) -> frozenset[str]:
    """Fields of a registry kind that a registry op may set (aliases have own ops)."""
    return frozenset(RECORD_TYPES[kind].model_fields) - _NOT_OPS


# A registry op on the wire: (index, kind, record id (16 bytes), field, value, hlc).
RegistryOpWire = tuple[int, str, bytes, str, Any, str]


# One revision a sealed part declares, in order: (record id (16 bytes), the team
# and the device the revision names; ``""`` for the signer's own, which is what
# an honest batch almost always holds). The hub checks them against the signer's
# certificate and the records' owners without reading content; the devices that
# open the part check that the revisions inside are exactly these.
Declared = tuple[
    Annotated[bytes, Field(min_length=16, max_length=16)],
    Annotated[str, Field(max_length=200)],
    Annotated[str, Field(max_length=64)],
]
MAX_DECLARED = 20_000


class SealedPart(WireModel):
    """Contacts and checkpoint logs: ``seal(records_key, pad(zstd(msgpack(revs))))``,
    with the revisions it declares (:data:`Declared`) under the same signature."""

    ct: bytes
    sig: bytes = Field(min_length=64, max_length=64)
    revs: list[Declared] = Field(default_factory=list, max_length=MAX_DECLARED)


def declared(
    record_id: bytes, team: str, device: str, *, signer: tuple[str, str]
) -> Declared:
    """The declaration of one sealed revision by ``signer`` (team, device): a
    claim equal to the signer's own is left empty."""
    own_team, own_device = signer
    return (
        record_id,
        "" if team == own_team else team,
        "" if device == own_device else device,
    )


def declared_claims(decl: Declared, *, signer: tuple[str, str]) -> tuple[str, str]:
    """The (team, device) a declaration claims, with empty claims the signer's."""
    _, team, device = decl
    return (team or signer[0], device or signer[1])


def seal_aad(device: str, seq: int) -> bytes:
    """Bind a sealed batch to its author and number."""
    return f"parley-batch-v1|{device}|{seq}".encode()


def seal_message(device: str, seq: int, ct: bytes, revs: list[Declared]) -> bytes:
    """Return what a device signs for a sealed batch (hub and coordinators verify):
    its author, number, ciphertext digest and declared revisions' digest."""
    decl: bytes = msgpack.packb([list(r) for r in revs], use_bin_type=True)
    return (
        seal_aad(device, seq)
        + b"|"
        + hashlib.sha256(ct).digest()
        + hashlib.sha256(decl).digest()
    )


class Batch(WireModel):
    """One frozen push: resent byte-identical until acknowledged.

    ``ctx`` is the device's registry cursor when the batch was built: an alias
    removal only removes additions the device had seen (add-wins).
    """

    device: str
    seq: int = Field(ge=1)
    ctx: int = Field(default=0, ge=0)
    ops: list[RegistryOpWire] = Field(default_factory=list, max_length=20_000)
    sealed: SealedPart | None = None


class Push(WireModel):
    """A batch number and the frozen batch bytes (msgpack of :class:`Batch`).

    A batch too large for the link in one request travels in parts: then
    ``batch`` holds its bytes ``off`` to ``off + len(batch)``, ``total`` is its
    length and ``digest`` its SHA-256. The hub keeps every part it receives and
    applies the batch once it holds all ``total`` bytes and they match
    ``digest``; a part that overlaps what the hub holds only adds what is new.
    Without ``total`` the push is the whole batch.
    """

    seq: int = Field(ge=1)
    batch: bytes
    off: int = Field(default=0, ge=0)
    total: int | None = Field(default=None, ge=1)
    digest: bytes | None = Field(default=None, min_length=32, max_length=32)

    @model_validator(mode="after")
    def _part_fits(self) -> Push:
        if self.total is None:
            if self.off or self.digest is not None:
                raise ValueError("part")
        elif self.digest is None or self.off + len(self.batch) > self.total:
            raise ValueError("part")
        return self

    @property
    def is_part(self) -> bool:
        """True for a part of a batch (see :func:`batch_digest`)."""
        return self.total is not None


def batch_digest(batch: bytes) -> bytes:
    """The SHA-256 that names a frozen batch in parts and acknowledgements."""
    return hashlib.sha256(batch).digest()


class SyncRequest(WireModel):
    """``POST /v1/sync``: optional push, then pulls by per-stream cursor."""

    v: int = WIRE_VERSION
    push: Push | None = None
    pull: dict[str, int] = Field(default_factory=dict, max_length=8)
    max: int = Field(default=DEFAULT_PAGE_BYTES, ge=1024, le=4 * 1024 * 1024)


# -- response -------------------------------------------------------------------------


class Ack(WireModel):
    """The hub's stored answer to one batch. ``rejects``: (op index, code)."""

    seq: int
    status: str  # applied | duplicate
    rejects: list[tuple[int, str]] = Field(default_factory=list)
    ops: int = 0
    sealed: bool = False


class RegistrySnapshot(WireModel):
    """The hub's merged state of one registry record.

    ``losers`` maps a field to values that lost the last-writer-wins race:
    (value, hlc, device), newest first.
    """

    id: bytes
    kind: str
    fields: dict[str, Any]
    clocks: dict[str, str]
    aliases: list[str] = Field(default_factory=list)
    losers: dict[str, list[tuple[Any, str, str]]] = Field(default_factory=dict)
    # The device that wrote each field's current value (stamped by the hub from
    # the signer), and the team that owns the record (``models.authority``).
    writers: dict[str, str] = Field(default_factory=dict)
    owner: str = ""


class RegistryPage(WireModel):
    """A page of the registry stream, with the certificates of the devices that
    wrote its values (so devices check the writers against the rules)."""

    items: list[RegistrySnapshot]
    cursor: int
    more: bool = False
    certs: list[Signed] = Field(default_factory=list)


class SealedItem(WireModel):
    """One sealed batch as a coordinator pulls it, with its author's certificate."""

    seq: int
    device: str
    batch: int
    ct: bytes
    sig: bytes
    cert: Signed
    revs: list[Declared] = Field(default_factory=list, max_length=MAX_DECLARED)


class SealedPage(WireModel):
    """A page of the sealed stream."""

    items: list[SealedItem]
    cursor: int
    more: bool = False


class PackOffer(WireModel):
    """The newest guidance pack, when newer than the device's cursor."""

    manifest: Signed
    version: int


class SyncResponse(WireModel):
    """Answer to :class:`SyncRequest`. ``st`` is the hub's clock (ms)."""

    v: int = WIRE_VERSION
    st: int
    ack: Ack | None = None
    registry: RegistryPage | None = None
    sealed: SealedPage | None = None
    packs: PackOffer | None = None
    directory: Directory | None = None
    cmds: list[Signed] = Field(default_factory=list)
    hint: int = 0
    # Bytes of the pushed batch the hub holds while it is still incomplete.
    held: int | None = None
