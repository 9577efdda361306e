"""Where each record stands with the hub: waiting, sent (and when), or refused.

The outbox is every record with a revision the hub has not acknowledged yet;
"sent at" is when the hub last acknowledged a sealed record (the time
retention counts from); a refusal says which field and why, until a later
revision of the record goes through.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

from app.readmodel import ReadModel, RecordRow, listed_kinds
from app.services.validation import parse_id
from app.store import Store
from app.sync.refusals import refusals
from app.sync.retention import ACKED_META

__all__ = ["OutboxService", "RecordSync", "SendState"]


class SendState(StrEnum):
    """Where a record's latest revision is."""

    WAITING = "waiting"
    SENT = "sent"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class RecordSync:
    """One record's send status. ``at`` is when the hub took it (sealed records)
    or refused it; ``field`` and ``code`` say what was refused and why."""

    state: SendState
    at: dt.datetime | None = None
    field: str = ""
    code: str = ""


def _utc(ms: int | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC) if ms else None


class OutboxService:
    """Per-record send status and the list of what still waits."""

    def __init__(self, store: Store, model: ReadModel) -> None:
        self._store = store
        self._model = model

    def status(self, record_id: str) -> RecordSync:
        """Where ``record_id`` stands: waiting, sent at, or refused with why.

        Raises:
            RecordNotFound: if ``record_id`` is not a record id.
        """
        rid = parse_id(record_id)
        if rid in self._model.pending_records():
            return RecordSync(SendState.WAITING)
        refused = next((r for r in refusals(self._store) if r.record_id == rid), None)
        if refused is not None:
            return RecordSync(
                SendState.REFUSED, _utc(refused.at), refused.field, refused.code
            )
        return RecordSync(SendState.SENT, _utc(self._acked().get(rid)))

    def waiting(self) -> list[RecordRow]:
        """Records (logs, contacts, follow-ups) that wait, newest first."""
        return sorted(self._rows(listed=True), key=lambda r: r.when, reverse=True)

    def waiting_registry(self) -> int:
        """How many places and actors wait (registry entries, not records)."""
        return len(self._rows(listed=False))

    def _rows(self, *, listed: bool) -> list[RecordRow]:
        kinds = set(listed_kinds())
        rows = (self._model.row(rid) for rid in self._model.pending_records())
        return [r for r in rows if r is not None and (r.kind in kinds) == listed]

    def refused(self) -> list[tuple[RecordRow, RecordSync]]:
        """Listed records the hub refused, newest refusal first."""
        out: list[tuple[RecordRow, RecordSync]] = []
        for refusal in refusals(self._store):
            row = self._model.row(refusal.record_id)
            if row is not None and row.kind in listed_kinds():
                state = RecordSync(
                    SendState.REFUSED, _utc(refusal.at), refusal.field, refusal.code
                )
                out.append((row, state))
        return out

    def _acked(self) -> dict[uuid.UUID, int]:
        raw: dict[str, int] = self._store.get_meta(ACKED_META) or {}
        out: dict[uuid.UUID, int] = {}
        for key, when in raw.items():
            try:
                out[uuid.UUID(key)] = int(when)
            except (TypeError, ValueError):
                continue
        return out
