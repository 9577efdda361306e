"""What the hub refused from this device, and what this device refused from others.

Outgoing: the hub refuses a bad op (or a sealed record it may not accept) for that
op alone, with a code. The revision is still acknowledged, so it never blocks the
queue; the record stays in the vault as it was typed, and an entry here says
which record, which field and why, until a later revision of it goes through.

Incoming: a pulled revision that fails the certificate checks is dropped before
anything is applied; only its refusal code is counted (no content, no id).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.store import Store
from models.refusals import refusal_status

__all__ = [
    "INCOMING_META",
    "REFUSED_META",
    "Refusal",
    "after_ack",
    "count_incoming",
    "incoming_refusals",
    "kept_local",
    "refusals",
]

REFUSED_META = "sync.refused"  # record id hex -> {kind, field, code, at}
INCOMING_META = "sync.refused_in"  # refusal code -> count


@dataclass(frozen=True)
class Refusal:
    """One of this device's records the hub refused. ``field`` is ``""`` when the
    whole record was refused (a sealed record, or every op of it)."""

    record_id: uuid.UUID
    kind: str
    field: str
    code: str
    at: int

    @property
    def keeps_local(self) -> bool:
        """True for refused content (400): the vault keeps the record as typed, the
        hub's copy does not replace it, and its next revision resends the field.
        Authority and caps refusals (403, 429) let the hub's copy stand."""
        return refusal_status(self.code) == 400


def refusals(store: Store) -> list[Refusal]:
    """This device's records the hub refused, newest first."""
    raw: dict[str, dict[str, Any]] = store.get_meta(REFUSED_META) or {}
    out = [
        Refusal(uuid.UUID(hex=rid), e["kind"], e.get("field", ""), e["code"], e["at"])
        for rid, e in raw.items()
    ]
    return sorted(out, key=lambda r: (-r.at, r.record_id.hex))


def kept_local(store: Store) -> dict[uuid.UUID, str]:
    """Records whose refused content the vault keeps: record id -> refused field."""
    return {r.record_id: r.field for r in refusals(store) if r.keeps_local}


def after_ack(
    current: dict[str, dict[str, Any]] | None,
    *,
    sent: dict[str, str],
    refused: dict[str, tuple[str, str]],
    now_ms: int,
) -> dict[str, dict[str, Any]] | None:
    """The refusal map after one acknowledged batch.

    Args:
        current: the stored map (record id hex -> entry), or ``None``.
        sent: every record the batch carried (id hex -> kind).
        refused: records refused in this batch (id hex -> (field, code)).
        now_ms: when the acknowledgement arrived.

    Returns:
        The new map (``None`` when empty): records sent without a refusal are
        cleared, refused ones recorded.
    """
    out = dict(current or {})
    for rid in sent:
        out.pop(rid, None)
    for rid, (field, code) in refused.items():
        out[rid] = {
            "kind": sent.get(rid, ""),
            "field": field,
            "code": code,
            "at": now_ms,
        }
    return out or None


def incoming_refusals(store: Store) -> dict[str, int]:
    """How many pulled revisions were refused, by code (never which ones)."""
    counts: dict[str, int] = store.get_meta(INCOMING_META) or {}
    return dict(counts)


def count_incoming(
    current: dict[str, int] | None, codes: list[str]
) -> dict[str, int] | None:
    """Add refusal ``codes`` to the stored counts; ``None`` when there are none."""
    out = dict(current or {})
    for code in codes:
        out[code] = out.get(code, 0) + 1
    return out or None
