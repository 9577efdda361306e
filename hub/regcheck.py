"""Static checks of registry ops, done before any lock is taken.

A bad op is rejected with a code and the rest of the batch goes on.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import msgpack
from pydantic import TypeAdapter, ValidationError

from models import RECORD_TYPES, Hlc, RecordKind
from models.envelope import envelope_author
from models.keys import CryptoError
from models.text import CONTROL_CODE, NAME_MAX, is_clean
from models.wire import (
    ALIAS_ADD,
    ALIAS_DEL,
    ID_BYTES,
    REGISTRY_KINDS,
    RegistryOpWire,
    WireError,
)
from models.wire.private import (
    MAX_ENVELOPE,
    TEAM_OP,
    hub_fields,
    private_context,
    private_op,
    team_cell,
)

__all__ = ["Op", "Signer", "check_ops"]


@dataclass(frozen=True)
class Signer:
    """The device that signed the request, as its certificate says."""

    device: str
    team: str
    command_key: bytes


@dataclass(frozen=True)
class Op:
    """A checked registry op. ``value`` is packed (msgpack of the JSON form)."""

    index: int
    kind: str
    record_id: str
    field: str
    value: bytes
    hlc: str


@functools.cache
def _adapter(kind: RecordKind, name: str) -> TypeAdapter[Any]:
    info = RECORD_TYPES[kind].model_fields[name]
    annotated: Any = info.annotation
    if info.metadata:
        annotated = Annotated[info.annotation, *info.metadata]
    return TypeAdapter(annotated)


def _clamp(hlc: str, *, limit_ms: int) -> str:
    clock = Hlc.decode(hlc)
    if clock.wall_ms <= limit_ms:
        return hlc
    return Hlc(limit_ms, clock.counter, clock.node).encode()


def _pack(value: Any) -> bytes:
    out: bytes = msgpack.packb(value, use_bin_type=True)
    return out


def _check_envelope(
    kind: RecordKind, record_id: str, name: str, value: Any, signer: Signer
) -> bytes | str:
    """A private op: an envelope for this record and op, signed by the signer."""
    if not isinstance(value, bytes) or len(value) > MAX_ENVELOPE:
        return "invalid_value"
    context = private_context(kind, record_id, name)
    try:
        author = envelope_author(value, context=context, command_key=signer.command_key)
    except WireError:
        return "invalid_value"
    except CryptoError:
        return "bad_signature"
    if author.device != signer.device:
        return "device_mismatch"
    return _pack(value)


def _check_value(
    kind: RecordKind, record_id: str, name: str, value: Any, signer: Signer
) -> bytes | str:
    if name == private_op(kind):
        return _check_envelope(kind, record_id, name, value, signer)
    if name in RECORD_TYPES[kind].private:
        return "sealed_field"  # never stored in plaintext, even from a bad client
    if name in (ALIAS_ADD, ALIAS_DEL):
        if kind is not RecordKind.ACTOR:
            return "unknown_field"
        if not isinstance(value, str) or not value.strip() or len(value) > NAME_MAX:
            return "invalid_value"
        if not is_clean(value):
            return CONTROL_CODE
        return _pack(value.strip())
    if name not in hub_fields(kind):
        return "unknown_field"
    adapter = _adapter(kind, name)
    try:
        checked = adapter.validate_python(value)
    except ValidationError as exc:
        types = {str(e["type"]) for e in exc.errors()}
        return (
            CONTROL_CODE
            if types & {CONTROL_CODE, "string_unicode"}
            else "invalid_value"
        )
    return _pack(adapter.dump_python(checked, mode="json"))


def _check_one(raw: RegistryOpWire, *, limit_ms: int, signer: Signer) -> Op | str:
    index, kind_code, record_id, name, value, hlc = raw
    try:
        kind = RecordKind(kind_code)
    except ValueError:
        return "unknown_kind"
    if kind not in REGISTRY_KINDS:
        return "sealed_kind"
    if len(record_id) != ID_BYTES:
        return "bad_id"
    try:
        hlc = _clamp(hlc, limit_ms=limit_ms)
    except ValueError:
        return "bad_clock"
    rid = uuid.UUID(bytes=record_id).hex
    packed = _check_value(kind, rid, name, value, signer)
    if isinstance(packed, str):
        return packed
    # Each team's sealed fields of a shared entry live in that team's own cell.
    cell = team_cell(signer.team) if name == TEAM_OP else name
    return Op(index, kind.value, rid, cell, packed, hlc)


def check_ops(
    ops: list[RegistryOpWire], *, now_ms: int, max_future_ms: int, signer: Signer
) -> tuple[list[Op], list[tuple[int, str]]]:
    """Split wire ops into checked ops and ``(index, code)`` rejects.

    A private field sent in plaintext is refused (``sealed_field``); a private
    op must hold an envelope for its record and op signed by ``signer``.

    Clocks more than ``max_future_ms`` ahead of the hub are clamped to that bound,
    so one device with a wrong clock cannot win every race for days.
    """
    good: list[Op] = []
    rejects: list[tuple[int, str]] = []
    for raw in ops:
        result = _check_one(raw, limit_ms=now_ms + max_future_ms, signer=signer)
        if isinstance(result, str):
            rejects.append((raw[0], result))
        else:
            good.append(result)
    return good, rejects
