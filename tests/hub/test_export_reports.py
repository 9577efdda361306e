"""Exports a device makes reach the hub's audit log at its next sync."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from app.errors import HubUnreachable
from app.readmodel import ReadModel
from app.services.exports import SHAREABLE, ExportFormat, ExportService
from app.sync.exports import UNREPORTED_META, queue_report
from app.sync.identity import load_identity, sign_request
from hub.audit import entries, verify_chain
from hub.devices import revoke
from hub.service import Hub, now_ms
from models import Contact
from models.enums import Role
from models.wire.exports import EXPORTS_PATH, ExportReport, ExportReports
from tests.hub.conftest import DeviceFactory
from tests.hub.support import Device


def _export(device: Device) -> ExportReport:
    model = ReadModel(device.store)
    model.build()
    try:
        made = ExportService(device.store, model).export(
            fmt=ExportFormat.CSV, redaction=SHAREABLE
        )
    finally:
        model.close()
    return made.report


def _exports(hub: Hub) -> list[dict[str, object]]:
    return [
        {"by": e.actor, **e.details()} for e in entries(hub.db) if e.action == "export"
    ]


def test_an_export_is_reported_at_the_next_sync_with_the_devices_team(
    hub: Hub, devices: DeviceFactory
) -> None:
    coordinator = devices("coord", role=Role.COORDINATOR, team="hq")
    coordinator.store.save(
        Contact(on=dt.date(2026, 3, 17), notes="MARKER-NOTE not for the hub")
    )
    report = _export(coordinator)
    coordinator.sync()
    identity = load_identity(coordinator.store)
    assert identity is not None
    found = _exports(hub)
    assert len(found) == 1
    assert found[0] == {
        "by": identity.device,
        "team": "hq",
        "role": "coordinator",
        "format": "csv",
        "profile": "shareable",
        "redacted": True,
        "records": 1,
        "contacts": 1,
        "checkpoints": 0,
        "made_at": report.at,
    }
    assert coordinator.store.get_meta(UNREPORTED_META) == []
    assert "MARKER" not in json.dumps(found)
    assert verify_chain(hub.db, command_pub=hub.keys.command_pub)[1] is None


def test_a_resent_report_is_recorded_once(hub: Hub, devices: DeviceFactory) -> None:
    field = devices("field", team="north")
    report = _export(field)
    field.sync()
    queue_report(field.store, report)  # as if the first answer had been lost
    field.sync()
    assert len(_exports(hub)) == 1
    assert field.store.get_meta(UNREPORTED_META) == []


def test_reports_wait_in_the_vault_while_the_hub_is_away(
    hub: Hub, devices: DeviceFactory
) -> None:
    field = devices("field")
    field.sync()
    report = _export(field)
    field.client.base_url = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(Exception):  # noqa: B017 - the run fails as any cut run does
        field.sync()
    assert [q["id"] for q in field.store.get_meta(UNREPORTED_META)] == [report.id]
    assert _exports(hub) == []


def _post(http: httpx.Client, device: Device, body: bytes) -> httpx.Response:
    identity = load_identity(device.store)
    assert identity is not None
    auth = sign_request(
        identity, method="POST", path=EXPORTS_PATH, body=body, now_ms=now_ms()
    )
    return http.post(
        EXPORTS_PATH,
        content=body,
        headers={"authorization": auth, "content-type": "application/json"},
    )


def test_a_revoked_device_cannot_report(
    hub: Hub, devices: DeviceFactory, http: httpx.Client
) -> None:
    field = devices("field")
    identity = load_identity(field.store)
    assert identity is not None
    revoke(hub.db, hub.keys, identity.device, now_ms=now_ms())
    report = ExportReport(
        id="ab" * 16,
        at=1,
        format=ExportFormat.CSV,
        profile="full",
        redacted=False,
        records=0,
        contacts=0,
        checkpoints=0,
    )
    body = ExportReports(items=[report]).model_dump_json().encode()
    answer = _post(http, field, body)
    assert answer.status_code == 403
    assert _exports(hub) == []


def test_a_malformed_report_gets_a_clear_400(
    hub: Hub, devices: DeviceFactory, http: httpx.Client
) -> None:
    field = devices("field")
    bad = b'{"items":[{"id":"not hex","at":1,"format":"csv"}]}'
    answer = _post(http, field, bad)
    assert answer.status_code == 400
    assert answer.json()["code"] == "malformed_reports"
    unsigned = http.post(EXPORTS_PATH, content=b"{}")
    assert unsigned.status_code == 401


def test_a_failed_report_leaves_the_sync_done_and_the_report_queued(
    hub: Hub, devices: DeviceFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    field = devices("field")
    report = _export(field)

    def away(_body: bytes, *, authorization: str) -> None:
        raise HubUnreachable("ConnectError")

    monkeypatch.setattr(field.client, "report_exports", away)
    assert field.engine.run_once().done
    assert [q["id"] for q in field.store.get_meta(UNREPORTED_META)] == [report.id]
    monkeypatch.undo()
    assert field.engine.run_once().exports == 1
