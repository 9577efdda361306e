"""Exports on this device: CSV, JSON or a printable report, redacted as chosen.

Every export is recorded twice: in this vault's own list (sealed; Settings and
the coordinator's screens show it), and in the queue the next sync reports to
the hub's audit log (counts only; see :mod:`app.sync.exports`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from app.readmodel import ReadModel
from app.services.coordination.access import AccessReport, access_csv
from app.services.export_formats import ExportInfo, Wording, to_csv, to_html, to_json
from app.services.export_rows import FULL, SHAREABLE, Redaction, make_rows
from app.store import Store
from app.sync.exports import queue_report
from models import Contact
from models.wire.exports import ExportFormat, ExportReport

__all__ = [
    "FULL",
    "PROFILES",
    "SHAREABLE",
    "ExportFile",
    "ExportFormat",
    "ExportService",
    "Redaction",
    "Wording",
]

LOG_META = "exports.log"
_LOG_KEEP = 500
PROFILES = (FULL, SHAREABLE)
_MIME = {
    ExportFormat.CSV: "text/csv",
    ExportFormat.JSON: "application/json",
    ExportFormat.HTML: "text/html",
}


@dataclass(frozen=True, slots=True)
class ExportFile:
    """An export ready to hand over: a neutral file name, its type, its bytes."""

    name: str
    mime: str
    data: bytes
    report: ExportReport


class ExportService:
    """Writes exports from the read model and records each one."""

    def __init__(self, store: Store, model: ReadModel) -> None:
        self._store = store
        self._model = model

    def export(
        self,
        *,
        fmt: ExportFormat,
        redaction: Redaction,
        start: dt.date | None = None,
        end: dt.date | None = None,
        words: Wording | None = None,
        rtl: bool = False,
    ) -> ExportFile:
        """Write every contact and checkpoint log (within ``start``..``end``).

        The file name carries the date and the profile, never a record's field.
        """
        now = self._store.clock.physical_ms()
        made = dt.datetime.fromtimestamp(now / 1000, dt.UTC)
        rows = make_rows(model=self._model, redaction=redaction, start=start, end=end)
        info = ExportInfo(
            made_at=made.strftime("%Y-%m-%d %H:%M UTC"),
            profile=redaction.name,
            redacted=redaction.redacted,
            start=start.isoformat() if start else "",
            end=end.isoformat() if end else "",
        )
        contact = Contact.kind.value
        if fmt is ExportFormat.CSV:
            data = to_csv(rows)
        elif fmt is ExportFormat.JSON:
            data = to_json(rows, info)
        else:
            data = to_html(rows, info, contact_code=contact, words=words, rtl=rtl)
        kinds = Counter(r["record"] for r in rows)
        report = ExportReport(
            id=uuid.uuid4().hex,
            at=now,
            format=fmt,
            profile=redaction.name,
            redacted=redaction.redacted,
            records=len(rows),
            contacts=kinds[contact],
            checkpoints=len(rows) - kinds[contact],
        )
        self._record(report)
        name = f"parley-{made:%Y-%m-%d-%H%M}-{redaction.name}.{fmt.value}"
        return ExportFile(name=name, mime=_MIME[fmt], data=data, report=report)

    def access_csv(self, report: AccessReport) -> ExportFile:
        """The access incident report as CSV (counts only), recorded like any
        export; its profile is ``access_report``."""
        now = self._store.clock.physical_ms()
        made = dt.datetime.fromtimestamp(now / 1000, dt.UTC)
        entry = ExportReport(
            id=uuid.uuid4().hex,
            at=now,
            format=ExportFormat.CSV,
            profile="access_report",
            redacted=True,
            records=report.total,
            contacts=0,
            checkpoints=report.total,
        )
        self._record(entry)
        name = f"parley-{made:%Y-%m-%d-%H%M}-access.csv"
        return ExportFile(
            name=name, mime="text/csv", data=access_csv(report), report=entry
        )

    def _record(self, report: ExportReport) -> None:
        def add(log: Any) -> list[dict[str, Any]]:
            return [*(log or []), report.model_dump(mode="json")][-_LOG_KEEP:]

        self._store.update_meta(LOG_META, add)
        queue_report(self._store, report)

    def history(self) -> list[ExportReport]:
        """Exports made on this device, newest first (the last 500)."""
        found = []
        for raw in self._store.get_meta(LOG_META) or []:
            try:
                found.append(ExportReport.model_validate(raw))
            except ValueError:
                continue
        return found[::-1]
