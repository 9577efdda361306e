"""The services the UI calls: connect to a hub, and sync in the background."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

import pytest

from app.errors import AuthRequired, ValidationFailed
from app.services.enroll import EnrollService
from app.services.sync import SyncService, SyncState, SyncStatus
from hub.enrollment import create_code, enroll_uri
from hub.service import Hub, now_ms
from models import Contact
from models.enums import Role
from tests.hub.support import ORG_PASSPHRASE, LiveHub, new_vault
from tests.sync.conftest import DeviceFactory


def _code(hub: Hub, role: Role = Role.FIELD) -> str:
    return create_code(
        hub.db, team="north", role=role, ttl_ms=3_600_000, now_ms=now_ms()
    )


def test_connect_with_address_and_code_enrolls_the_device(
    hub: Hub, live: LiveHub, tmp_path: Path
) -> None:
    store = new_vault(tmp_path / "a")[1]
    service = EnrollService(store)
    assert service.enrollment() is None
    done = service.connect(address=live.url + "/", code=_code(hub).lower())
    assert (done.team, done.role, done.hub) == ("north", "field", live.url)
    assert not done.records_key_ready
    assert service.enrollment() == done
    store.close()


def test_connect_with_the_qr_text_alone(
    hub: Hub, live: LiveHub, tmp_path: Path
) -> None:
    store = new_vault(tmp_path / "a")[1]
    text = enroll_uri(live.url, _code(hub, Role.COORDINATOR))
    done = EnrollService(store).connect(
        address="", code=text, org_passphrase=ORG_PASSPHRASE
    )
    assert done.role == "coordinator" and done.records_key_ready
    store.close()


@pytest.mark.parametrize(
    ("address", "code", "fields"),
    [
        ("ftp://hub", "ABCD-EFGH", {"address": "invalid"}),
        ("", "ABCD-EFGH", {"address": "invalid"}),
        ("http://hub", "  ", {"code": "required"}),
    ],
)
def test_connect_checks_its_input(
    address: str, code: str, fields: dict[str, str], tmp_path: Path
) -> None:
    store = new_vault(tmp_path / "a")[1]
    with pytest.raises(ValidationFailed) as err:
        EnrollService(store).connect(address=address, code=code)
    assert err.value.fields == fields
    store.close()


def test_a_used_code_is_refused_with_its_reason(
    hub: Hub, live: LiveHub, tmp_path: Path
) -> None:
    code = _code(hub)
    first, second = new_vault(tmp_path / "a")[1], new_vault(tmp_path / "b")[1]
    EnrollService(first).connect(address=live.url, code=code)
    with pytest.raises(AuthRequired) as err:
        EnrollService(second).connect(address=live.url, code=code)
    assert err.value.detail == "code_used"
    first.close()
    second.close()


class Recorder:
    """Collects every status the service publishes."""

    def __init__(self) -> None:
        self.seen: list[SyncStatus] = []
        self.lock = threading.Lock()

    def __call__(self, status: SyncStatus) -> None:
        with self.lock:
            self.seen.append(status)


def test_sync_now_runs_in_the_background_and_reports_progress(
    devices: DeviceFactory,
) -> None:
    device = devices("a")
    for i in range(40):
        device.store.save(Contact(on=datetime.date(2024, 5, 1), notes=f"talk {i}"))
    service = SyncService(device.store)
    recorder = Recorder()
    service.subscribe(recorder)
    assert service.status().pending == 40
    service.sync_now()
    assert service.wait_idle(20)
    status = service.status()
    service.stop()
    assert status.state is SyncState.IDLE and status.pending == 0
    assert status.last_failure is None and status.last_success is not None
    assert status.progress is not None and status.progress.records_sent == 40
    assert status.progress.bytes_sent > 0 and status.progress.bytes_received > 0
    states = [s.state for s in recorder.seen]
    assert SyncState.RUNNING in states and states[-1] is SyncState.IDLE


def test_an_unreachable_hub_is_reported_and_the_next_run_recovers(
    devices: DeviceFactory, hub: Hub, live: LiveHub
) -> None:
    device = devices("a")
    device.store.save(Contact(on=datetime.date(2024, 5, 1), notes="waiting"))
    live.stop(wait=True)
    service = SyncService(device.store)
    service.sync_now()
    assert service.wait_idle(20)
    failed = service.status()
    assert failed.state is SyncState.FAILED and failed.last_failure == "hub_unreachable"
    assert failed.pending == 1 and failed.last_success is None
    again = LiveHub(hub, port=live.port)
    service.sync_now()
    assert service.wait_idle(20)
    service.stop()
    again.stop()
    assert service.status().state is SyncState.IDLE and service.status().pending == 0


def test_an_unenrolled_device_says_so(tmp_path: Path) -> None:
    store = new_vault(tmp_path / "a")[1]
    service = SyncService(store)
    assert service.status().state is SyncState.NOT_ENROLLED
    service.sync_now()
    assert service.wait_idle(10)
    service.stop()
    assert service.status().last_failure == "auth_required"
    store.close()


def test_sync_runs_again_on_its_interval(devices: DeviceFactory) -> None:
    device = devices("a")
    service = SyncService(device.store, interval_s=0.2)
    runs = threading.Semaphore(0)
    service.subscribe(lambda s: runs.release() if s.state is SyncState.IDLE else None)
    service.start()
    assert all(runs.acquire(timeout=10) for _ in range(3))
    service.stop()


def test_retention_setting_is_exposed(devices: DeviceFactory) -> None:
    service = SyncService(devices("a").store)
    assert service.retention_days() == 30
    service.set_retention_days(10)
    assert service.retention_days() == 10
