"""Fields of hub-readable records that the hub never reads: how they travel.

A record type lists them in ``private`` (:mod:`models.records`). They leave the
device only inside an envelope (:mod:`models.envelope`) sealed to the devices
of one team and the coordinators, as the value of one registry op:

* ``~sealed`` (a follow-up): all its private fields in one envelope, sealed to
  the follow-up's team. The hub keeps it as one cell, last writer wins.
* ``~team`` (an actor's notes, influence and stance; a place's notes): sealed
  to the writer's team. The hub keeps one cell per team, :func:`team_cell` of
  the team in the signer's certificate, and serves a field device only its own
  team's cell, so two teams' notes on one actor never overwrite each other.

The plaintext in an envelope is ``msgpack({field: JSON value})``.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import msgpack
from pydantic import BaseModel, create_model

from models.base import RecordKind
from models.envelope import record_context
from models.records import RECORD_TYPES
from models.wire.sync import op_fields

__all__ = [
    "MAX_ENVELOPE",
    "TEAM_OP",
    "TEAM_PREFIX",
    "SEALED_OP",
    "hub_fields",
    "is_sealed_cell",
    "team_cell",
    "pack_private",
    "private_context",
    "private_op",
    "public_model",
    "unpack_private",
]

SEALED_OP = "~sealed"
TEAM_OP = "~team"
TEAM_PREFIX = "~team."
SEALED_PREFIX = "~"
# About 1,400 recipients: far above any team plus its coordinators.
MAX_ENVELOPE = 128 * 1024


@functools.cache
def private_op(kind: RecordKind) -> str | None:
    """The op that carries ``kind``'s private fields (``None``: it has none)."""
    model = RECORD_TYPES[kind]
    if not model.private:
        return None
    return TEAM_OP if model.private_per_team else SEALED_OP


def team_cell(team: str) -> str:
    """The hub cell holding one team's sealed fields of a registry entry.

    A digest, so any team name fits the hub's field column.
    """
    return TEAM_PREFIX + hashlib.sha256(team.encode()).hexdigest()[:24]


def is_sealed_cell(name: str) -> bool:
    """True for a cell or op holding an envelope, not a plaintext field."""
    return name.startswith(SEALED_PREFIX)


def private_context(kind: RecordKind | str, record_id: str, op: str) -> bytes:
    """The envelope context of a private op: record kind, id (hex) and op name."""
    return record_context(str(kind), record_id, op)


def pack_private(values: dict[str, Any]) -> bytes:
    """The plaintext of a private envelope."""
    out: bytes = msgpack.packb(values, use_bin_type=True)
    return out


def unpack_private(kind: RecordKind, data: bytes) -> dict[str, Any]:
    """Undo :func:`pack_private`, keeping only ``kind``'s private fields.

    Raises:
        ValueError: if the plaintext is not a map.
    """
    try:
        values = msgpack.unpackb(data, raw=False)
    except (TypeError, msgpack.UnpackException) as exc:
        raise ValueError("private") from exc
    if not isinstance(values, dict):
        raise ValueError("private")
    allowed = RECORD_TYPES[kind].private
    return {k: v for k, v in values.items() if k in allowed}


@functools.cache
def hub_fields(kind: RecordKind) -> frozenset[str]:
    """The op fields the hub accepts for ``kind``: plaintext ones and its private op."""
    sealed = private_op(kind)
    plain = op_fields(kind) - RECORD_TYPES[kind].private
    return plain | {sealed} if sealed else plain


@functools.cache
def public_model(kind: RecordKind) -> type[BaseModel]:
    """``kind``'s model without its private fields: what the hub can validate."""
    model = RECORD_TYPES[kind]
    if not model.private:
        return model
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in model.model_fields.items()
        if name not in model.private
    }
    made: type[BaseModel] = create_model(f"{model.__name__}Public", **fields)
    return made
