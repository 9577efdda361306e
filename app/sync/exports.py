"""Exports made on this device, reported to the hub's audit log at each sync.

The service that writes an export queues its report in the vault
(:data:`UNREPORTED_META`, sealed like every setting); each sync run sends what
is queued and drops only the reports the hub says it holds, so a cut run loses
nothing and a resent report is recorded once.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from app.errors import ProtocolError
from app.store import Store
from app.sync.client import HubClient
from app.sync.identity import Identity, sign_request
from models.wire.exports import (
    EXPORTS_PATH,
    MAX_REPORTS,
    ExportReport,
    ExportReports,
)

__all__ = ["UNREPORTED_META", "queue_report", "send_reports"]

UNREPORTED_META = "exports.unreported"


def queue_report(store: Store, report: ExportReport) -> None:
    """Add one export to what the next sync reports."""

    def add(queued: Any) -> list[dict[str, Any]]:
        return [*(queued or []), report.model_dump(mode="json")]

    store.update_meta(UNREPORTED_META, add)


def _queued(store: Store) -> list[ExportReport]:
    found = []
    for raw in store.get_meta(UNREPORTED_META) or []:
        try:
            found.append(ExportReport.model_validate(raw))
        except ValidationError:
            continue  # written by a build that knew other fields: skip, keep
    return found


def send_reports(
    store: Store, client: HubClient, identity: Identity, *, now_ms: int
) -> int:
    """Send the queued reports in requests of at most ``MAX_REPORTS``.

    Returns how many the hub now holds. Raises what :class:`HubClient` raises;
    what was not acknowledged stays queued.
    """
    sent = 0
    while queued := _queued(store)[:MAX_REPORTS]:
        body = ExportReports(items=queued).model_dump_json().encode()
        auth = sign_request(
            identity, method="POST", path=EXPORTS_PATH, body=body, now_ms=now_ms
        )
        ack = client.report_exports(body, authorization=auth)
        held = set(ack.ids) & {r.id for r in queued}
        if not held:
            raise ProtocolError("exports_ack")

        def drop(current: Any, held: set[str] = held) -> list[dict[str, Any]]:
            return [r for r in current or [] if r.get("id") not in held]

        store.update_meta(UNREPORTED_META, drop)
        sent += len(held)
    return sent
