"""Hub and sync in the UI, in-process, against a real hub over HTTP on 127.0.0.1.

Connect from Settings (and every way it can fail), the sync screen and the home
badge fed from the sync thread, retry after a failure, the coordinator's records
key and all-teams list, and the remote wipe sending the UI to first run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Tab

from app.services import ContactForm, Services, SyncStatus
from app.services.enroll import EnrollService
from app.ui.views.sync import SyncScreen
from hub.devices import wipe
from hub.enrollment import create_code, enroll_uri
from hub.service import Hub, now_ms
from models import Contact
from models.enums import Role
from tests.hub.support import ORG_PASSPHRASE, LiveHub, enroll, make_hub, new_vault

Unlocked = Callable[[], Awaitable[Tab]]


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    made = make_hub(f"sqlite:///{tmp_path / 'hub.db'}")
    yield made
    made.close()


@pytest.fixture
def live(hub: Hub) -> Iterator[LiveHub]:
    server = LiveHub(hub)
    yield server
    server.stop()


def code_for(hub: Hub, *, role: Role = Role.FIELD, team: str = "north") -> str:
    return create_code(hub.db, team=team, role=role, ttl_ms=3_600_000, now_ms=now_ms())


def shell_of(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__  # type: ignore[union-attr]


def services_of(tab: Tab) -> Services:
    found: Services = shell_of(tab).services
    return found


async def until(tab: Tab, check: Callable[[], bool], what: str) -> None:
    """Let the loop run (sync thread → bridge → screen) until ``check`` holds."""
    for _ in range(600):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}; screen shows {tab.texts()}")


async def connect(tab: Tab, address: str, code: str) -> None:
    """Settings → Connect to hub → address and code → Connect."""
    await tab.nav("Settings")
    await tab.press("Connect to hub")
    await tab.type("Hub address", address)
    await tab.type("Enrollment code", code)
    await tab.press("Connect")


async def lock(tab: Tab) -> None:
    await tab.lifecycle("hide")


async def test_connect_from_settings_shows_the_enrollment_and_syncs(
    unlocked: Unlocked, hub: Hub, live: LiveHub
) -> None:
    tab = await unlocked()
    await tab.nav("Settings")
    assert tab.has_text("Not connected to a hub")
    await connect(tab, live.url, code_for(hub))
    assert tab.route == "/hub"
    assert tab.has_text("Team: north") and tab.has_text("Role: field staff")
    assert tab.has_text(f"Hub: {live.url}")
    assert tab.has_text("Keep synced records readable for")
    await tab.back()
    assert tab.route == "/settings"
    assert tab.has_text("Connected to the hub as team north (field staff).")
    await tab.nav("Home")
    await until(tab, lambda: tab.has_text("Synced just now"), "home badge")
    await tab.open_row("Synced just now")
    assert tab.route == "/sync"
    assert tab.has_text("Up to date") and tab.has_text("Nothing waiting to be sent.")
    await lock(tab)


async def test_the_qr_text_alone_is_enough_to_connect(
    unlocked: Unlocked, hub: Hub, live: LiveHub
) -> None:
    tab = await unlocked()
    await connect(tab, "", enroll_uri(live.url, code_for(hub)))
    assert tab.has_text("Team: north")
    await lock(tab)


async def test_every_connect_failure_is_explained_next_to_its_field(
    unlocked: Unlocked, hub: Hub, live: LiveHub, tmp_path: Path
) -> None:
    tab = await unlocked()
    used = code_for(hub)
    elsewhere = new_vault(tmp_path / "elsewhere")[1]
    EnrollService(elsewhere).connect(address=live.url, code=used)
    elsewhere.close()
    expired = create_code(
        hub.db, team="north", role=Role.FIELD, ttl_ms=1, now_ms=now_ms() - 60_000
    )
    await connect(tab, "hub.example", "ABCD")
    assert "http://" in str(tab.field("Hub address").error)
    await tab.type("Hub address", live.url)
    await tab.type("Enrollment code", " ")
    await tab.press("Connect")
    assert tab.field("Enrollment code").error == "Required."
    for code, words in (
        ("AAAA-BBBB-CCCC-DDDD", "does not know this code"),
        (used, "already used"),
        (expired, "has expired"),
    ):
        await tab.type("Enrollment code", code)
        await tab.press("Connect")
        assert words in str(tab.field("Enrollment code").error), code
    dead = LiveHub(hub)
    dead.stop(wait=True)
    await tab.type("Hub address", dead.url)
    await tab.type("Enrollment code", code_for(hub))
    await tab.press("Connect")
    assert "Could not reach the hub" in str(tab.field("Hub address").error)
    assert services_of(tab).enroll.enrollment() is None
    await lock(tab)


async def test_sync_screen_shows_pending_progress_and_last_sync(
    unlocked: Unlocked, hub: Hub, live: LiveHub
) -> None:
    tab = await unlocked()
    await connect(tab, live.url, code_for(hub))
    services = services_of(tab)
    assert services.sync.wait_idle(20)
    for i in range(3):
        services.contacts.save(_contact_form(i))
    shell_of(tab).go("/sync")
    await until(tab, lambda: tab.has_text("3 changes waiting to be sent."), "pending")
    assert tab.has_text("Waiting to sync")
    await tab.press("Sync now")
    await until(tab, lambda: tab.has_text("Nothing waiting to be sent."), "synced")
    assert tab.has_text("Last sync just now")
    # The run's final report can land a moment after the outbox empties.
    await until(tab, lambda: tab.has_text("3 of 3 changes sent"), "final report")
    assert any(text.endswith("received") for text in tab.texts())
    await lock(tab)


async def test_a_failed_sync_says_why_and_retry_recovers(
    unlocked: Unlocked, hub: Hub, live: LiveHub
) -> None:
    tab = await unlocked()
    await connect(tab, live.url, code_for(hub))
    services = services_of(tab)
    assert services.sync.wait_idle(20)
    services.contacts.save(_contact_form(1))
    live.stop(wait=True)
    shell_of(tab).go("/sync")
    await tab.press("Sync now")
    await until(tab, lambda: tab.has_text("Last sync failed"), "failure shown")
    assert any("No connection to the hub" in text for text in tab.texts())
    assert tab.has_text("1 change waiting to be sent.")
    shell_of(tab).go("/")
    assert tab.has_text("Sync failed · 1 waiting")
    shell_of(tab).go("/sync")
    again = LiveHub(hub, port=live.port)
    try:
        await tab.press("Retry")
        await until(tab, lambda: tab.has_text("Up to date"), "recovered")
        assert not any("No connection" in text for text in tab.texts())
    finally:
        await lock(tab)
        again.stop()


async def test_status_reaches_controls_only_on_the_sessions_event_loop(
    unlocked: Unlocked, hub: Hub, live: LiveHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn_on: list[threading.Thread] = []
    original = SyncScreen.draw

    def draw(screen: SyncScreen, status: SyncStatus) -> None:
        drawn_on.append(threading.current_thread())
        original(screen, status)

    monkeypatch.setattr(SyncScreen, "draw", draw)
    tab = await unlocked()
    await connect(tab, live.url, code_for(hub))
    services = services_of(tab)
    assert services.sync.wait_idle(20)
    shell_of(tab).go("/sync")
    services.contacts.save(_contact_form(7))
    # A run on another thread, as the background sync does; its listeners fire there.
    worker = threading.Thread(target=services.sync.run_blocking)
    worker.start()
    await until(tab, lambda: not worker.is_alive(), "run finished")
    await until(tab, lambda: tab.has_text("1 of 1 change sent"), "progress drawn")
    assert len(drawn_on) >= 2  # once at build, then for the worker's statuses
    assert set(drawn_on) == {threading.main_thread()}
    await lock(tab)


async def test_coordinator_unlocks_team_records_with_retry_and_lists_every_team(
    unlocked: Unlocked, hub: Hub, live: LiveHub, tmp_path: Path
) -> None:
    field = enroll(hub, live.url, tmp_path / "field", team="north")
    shared = field.store.save(Contact(on=dt.date(2024, 5, 1), notes="north one"))
    field.store.save(Contact(on=dt.date(2024, 5, 2), notes="north two"))
    field.sync()
    tab = await unlocked()
    await connect(tab, live.url, code_for(hub, role=Role.COORDINATOR, team="hq"))
    assert tab.has_text("Role: coordinator")
    await tab.type("Organisation passphrase", "not the organisation one")
    await tab.press("Unlock team records")
    assert tab.field("Organisation passphrase").error == (
        "That is not the organisation passphrase. Check it and try again."
    )
    await tab.type("Organisation passphrase", ORG_PASSPHRASE)
    await tab.press("Unlock team records")
    assert tab.has_text("Team records unlocked: this phone can read every team's")
    services = services_of(tab)
    await until(tab, lambda: _teams(services) == {"north": 2}, "north pulled")
    # Both sides edit the same contact: the coordinator sees the conflict.
    theirs = services.contacts.form(str(shared.id))
    services.contacts.save(dataclasses.replace(theirs, notes="hq view"))
    field.store.save(shared.model_copy(update={"notes": "field correction"}))
    field.sync()
    services.sync.sync_now()
    await until(tab, lambda: services.sync.status().pending == 0, "synced")
    assert services.sync.wait_idle(20)
    shell_of(tab).go("/teams")
    assert tab.has_text("Team north: 2 contacts")
    assert tab.has_text("1 with two versions to reconcile")
    assert tab.has_text("Conflict")
    field.client.close()
    field.store.close()
    await lock(tab)


def _teams(services: Services) -> dict[str, int]:
    return {t.team: len(t.rows) for t in services.teams.contacts_by_team()}


async def test_a_wipe_from_the_hub_sends_the_ui_to_first_run(
    unlocked: Unlocked, hub: Hub, live: LiveHub
) -> None:
    tab = await unlocked()
    await connect(tab, live.url, code_for(hub))
    services = services_of(tab)
    assert services.sync.wait_idle(20)
    enrollment = services.enroll.enrollment()
    assert enrollment is not None
    wipe(hub.db, hub.keys, enrollment.device, now_ms=now_ms())
    shell_of(tab).go("/sync")
    await tab.press("Sync now")
    await until(tab, lambda: tab.has_text("Create your vault"), "first run")
    assert not shell_of(tab).unlocked
    assert not shell_of(tab).gate.exists()


async def test_retention_is_a_setting_with_30_days_by_default(
    unlocked: Unlocked, hub: Hub, live: LiveHub
) -> None:
    tab = await unlocked()
    await connect(tab, live.url, code_for(hub))
    services = services_of(tab)
    assert services.sync.retention_days() == 30
    assert tab.chip("30 days").selected
    await tab.pick("60 days")
    assert services.sync.retention_days() == 60
    await lock(tab)


def _contact_form(i: int) -> ContactForm:
    return ContactForm(on="2024-05-01", notes=f"talk {i}")
