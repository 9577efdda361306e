"""The coordination scenario in Chromium, through a real hub, screenshots saved.

North and south met one armed group on detention, south under another spelling
and with a staff-safety flag; both synced (``seed_scenario``). The coordinator,
at 1280×800, sees both cells, merges the duplicate, reads the alerts and the one
timeline, writes a "before you go" note and assigns a follow-up to south, then
syncs. North's phone, at 390×844, syncs and sees the note on the actor page and
under the actor it picks in a new contact; the follow-up went to south only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Tabs, start_server
from helpers import button, chip, fill, shot, tap, toast, unlock
from playwright.sync_api import Browser, Locator, Page, expect
from seed_scenario import ALIAS, NAME, ORG_PASSPHRASE, opened, seed_scenario, sync

from bench._hubproc import HubProcess
from models import Briefing, FollowUp

NOTE = "South was threatened at their last meeting. Offer nothing in return."
TASK = "Ask about the detained drivers"


@pytest.fixture
def hub_proc(tmp_path: Path) -> Iterator[HubProcess]:
    proc = HubProcess(
        f"sqlite:///{tmp_path / 'hub.db'}", PARLEY_ORG_PASSPHRASE=ORG_PASSPHRASE
    )
    proc.cli("init", "--org", "Browser test", "--kdf-memory-kib", "8192")
    proc.start()
    yield proc
    proc.stop()


@contextmanager
def device(
    browser: Browser, data_dir: Path, log: Path, *, width: int, height: int
) -> Iterator[Page]:
    """The app serving one vault, open in its own browser context, unlocked."""
    server = start_server(data_dir, log)
    tabs = Tabs(browser, server)
    try:
        page = tabs.open(width=width, height=height)
        unlock(page, PASSPHRASE)
        expect(button(page, "Log checkpoint")).to_be_visible(timeout=15_000)
        yield page
    finally:
        tabs.close()
        server.proc.terminate()
        server.proc.wait(timeout=60)
    assert tabs.net.blocked == []


def _profile(page: Page, name: str) -> Locator:
    """The overview row that opens an actor's profile."""
    return page.get_by_role("button", name=f"{name}: open the profile")


def _sync_now(page: Page) -> None:
    page.get_by_role("tab", name="Home").click()
    tap(page.get_by_role("button", name=re.compile("^Sync status")))
    expect(page.get_by_role("heading", name="Sync")).to_be_visible()
    tap(button(page, "Sync now"))
    expect(page.get_by_text("Nothing waiting to be sent.")).to_be_visible(
        timeout=20_000
    )
    expect(page.get_by_text("Up to date")).to_be_visible(timeout=20_000)
    tap(button(page, "Back"))


def _coordinator(page: Page) -> None:
    page.get_by_role("tab", name="Coordination").click()
    expect(page.get_by_role("heading", name="Coordination")).to_be_visible()
    # One cell per team, under the two names the teams used.
    expect(_profile(page, NAME)).to_be_visible()
    expect(_profile(page, ALIAS)).to_be_visible()
    expect(page.get_by_text("north: 1 contact", exact=False)).to_be_visible()
    expect(page.get_by_text("south: 1 contact", exact=False)).to_be_visible()
    shot(page, "scenario_overview_desktop")
    tap(button(page, "1 possible duplicate"))
    expect(page.get_by_text(re.compile("and merge .* into it"))).to_be_visible()
    into_name = page.get_by_text(f"and merge {ALIAS} into it")
    if into_name.count() == 0:  # equal records on both sides: either may come first
        tap(button(page, "Keep the other"))
    expect(into_name).to_be_visible()
    shot(page, "scenario_duplicate_desktop")
    tap(button(page, "Merge"))
    tap(page.get_by_role("button", name="Merge").last)
    expect(page.get_by_text("No two actors look alike.")).to_be_visible()
    tap(button(page, "Back"))
    expect(_profile(page, ALIAS)).to_have_count(0)
    tap(button(page, "4 alerts"))
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    for title in (
        "Same issue, two teams",
        "Mixed messages",
        "After a safety warning",
        "Several levels, no shared plan",
    ):
        expect(page.get_by_text(title)).to_be_visible()
    expect(
        page.get_by_text("Team south recorded a staff-safety risk", exact=False)
    ).to_be_visible()
    shot(page, "scenario_alerts_desktop")
    tap(button(page, "Back"))
    tap(_profile(page, NAME))
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    expect(page.get_by_text("Every record, all teams (2)")).to_be_visible()
    fill(page, "Note to the teams", NOTE)
    tap(button(page, "Send to the teams"))
    expect(toast(page, "Sent to north, south.")).to_be_visible()
    tap(chip(page, "south"))
    fill(page, "Task", TASK)
    tap(button(page, "Assign"))
    expect(toast(page, "Assigned to south.")).to_be_visible()
    shot(page, "scenario_profile_desktop")
    tap(button(page, "Back"))
    _sync_now(page)


def _field(page: Page) -> None:
    _sync_now(page)
    page.get_by_role("tab", name="Actors").click()
    tap(page.get_by_role("button", name=re.compile(f"^{NAME}")))
    expect(page.get_by_role("heading", name="Before you go")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_be_visible()
    shot(page, "scenario_field_actor_phone")
    tap(button(page, "Back"))
    page.get_by_role("tab", name="Home").click()
    tap(button(page, "New contact"))
    expect(page.get_by_text(NOTE)).to_have_count(0)
    tap(chip(page, NAME))
    expect(page.get_by_text(NOTE)).to_be_visible()
    page.get_by_text(NOTE).scroll_into_view_if_needed()
    shot(page, "scenario_field_contact_phone")


def test_the_scenario_from_the_coordinator_to_the_field(
    browser: Browser, hub_proc: HubProcess, tmp_path: Path
) -> None:
    dirs = {name: tmp_path / name for name in ("north", "south", "coord")}
    seed_scenario(hub_proc, dirs, PASSPHRASE, today=dt.date.today())
    with device(
        browser, dirs["coord"], tmp_path / "coord.log", width=1280, height=800
    ) as page:
        _coordinator(page)
    with device(
        browser, dirs["north"], tmp_path / "north.log", width=390, height=844
    ) as page:
        _field(page)
    # The follow-up reached south, and south only; both teams hold the note.
    with opened(dirs["south"], PASSPHRASE) as south:
        sync(south)
        tasks = south._store.records(FollowUp)
        assert [(f.title, f.team) for f in tasks] == [(TASK, "south")]
        assert [b.text for b in south._store.records(Briefing)] == [NOTE]
    with opened(dirs["north"], PASSPHRASE) as north:
        assert north._store.records(FollowUp) == []
