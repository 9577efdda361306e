"""``POST /v1/exports``: exports a device reports, appended to the audit log.

The device, its team and its role come from the signed request and the device's
row (its certificate), never from the body. A report sent twice (the answer was
lost on the way back) is recorded once.
"""

from __future__ import annotations

from pydantic import ValidationError

from hub import audit, tables
from hub.auth import claim_nonce, lock_device
from hub.errors import HubError
from hub.service import Hub, RequestInfo
from models.wire.exports import ExportAck, ExportReport, ExportReports

__all__ = ["MAX_BODY", "record_exports"]

MAX_BODY = 64 * 1024


def _detail(item: ExportReport, team: str, role: str) -> dict[str, str | int | bool]:
    return {
        "team": team,
        "role": role,
        "format": item.format.value,
        "profile": item.profile,
        "redacted": item.redacted,
        "records": item.records,
        "contacts": item.contacts,
        "checkpoints": item.checkpoints,
        "made_at": item.at,
    }


def record_exports(
    hub: Hub, header: str | None, path: str, body: bytes, info: RequestInfo
) -> ExportAck:
    """Authenticate, then record each new report in the audit log.

    Raises:
        HubError: 413 ``too_large``; 400 ``malformed_reports``; the 401/403 of
            request authentication.
    """
    if len(body) > MAX_BODY:
        raise HubError(413, "too_large")
    now = hub.clock()
    fields, device = hub._auth(header, "POST", path, body, now)  # noqa: SLF001
    info.device = device.id
    try:
        reports = ExportReports.model_validate_json(body)
    except ValidationError:
        raise HubError(400, "malformed_reports") from None
    window = hub.settings.request_window_ms
    with hub.db.write() as conn:
        claim_nonce(hub.db, conn, fields, now_ms=now, window_ms=window)
        row = lock_device(conn, device.id)
        for item in reports.items:
            stmt = (
                hub.db.insert_ignore(tables.export_reports)
                .values(device=row.id, id=item.id, received_at=now)
                .returning(tables.export_reports.c.id)
            )
            if conn.execute(stmt).first() is not None:
                audit.append(
                    conn,
                    hub.keys.command_sk,
                    action="export",
                    actor=row.id,
                    subject=f"export {item.id[:12]}",
                    at=now,
                    detail=_detail(item, row.team, row.role),
                )
    return ExportAck(ids=[item.id for item in reports.items])
