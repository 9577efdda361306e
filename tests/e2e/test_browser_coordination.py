"""The coordinator's screens in Chromium at 1280×800 and 390×844, screenshots saved.

A coordinator's vault holds three teams' records (seeded as after a sync): the
overview's cells, one tap to the contacts behind a cell, the actor profile, the
duplicate merged in two taps, the alerts with their reasons, the access report,
and a shareable export downloaded and checked for what it must not hold.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Tabs
from helpers import button, chip, settle, shot, tap, unlock
from playwright.sync_api import Page, expect
from seed_coord import ALIAS, MARKERS, seed_coordination

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def _open(tabs: Tabs, size: str) -> Page:
    seed_coordination(tabs.server.data_dir, PASSPHRASE, today=dt.date.today())
    width, height = SIZES[size]
    page = tabs.open(width=width, height=height)
    unlock(page, PASSPHRASE)
    expect(button(page, "Log checkpoint")).to_be_visible(timeout=15_000)
    page.get_by_role("tab", name="Coordination").click()
    expect(page.get_by_role("heading", name="Coordination")).to_be_visible()
    return page


def _back(page: Page) -> None:
    tap(button(page, "Back"))


@pytest.mark.parametrize("size", list(SIZES))
def test_overview_cell_profile_and_alerts(tabs: Tabs, size: str) -> None:
    page = _open(tabs, size)
    brigade = page.get_by_role("button", name="Northern Brigade: open the profile")
    expect(brigade).to_be_visible()
    expect(page.get_by_text("6 contacts by 2 teams", exact=False)).to_be_visible()
    shot(page, f"coord_overview_{size}")
    # One tap from a cell to the contacts behind it.
    tap(page.get_by_role("button", name="Open team north's 3 contacts"))
    expect(page.get_by_role("heading", name="Northern Brigade · north")).to_be_visible()
    expect(page.get_by_text("3 contacts, newest first")).to_be_visible()
    shot(page, f"coord_cell_{size}")
    _back(page)
    tap(brigade)
    expect(page.get_by_role("heading", name="Northern Brigade")).to_be_visible()
    expect(page.get_by_text("Every record, all teams (11)")).to_be_visible()
    expect(page.get_by_text("At its checkpoints")).to_be_visible()
    shot(page, f"coord_profile_{size}")
    _back(page)
    tap(button(page, "3 alerts"))
    expect(page.get_by_text("Same issue, two teams")).to_be_visible()
    expect(page.get_by_text("After a safety warning")).to_be_visible()
    expect(page.get_by_text("Several levels, no shared plan")).to_be_visible()
    tap(page.get_by_role("button", name="Show the 3 records behind it"))
    expect(button(page, "Hide the 3 records")).to_be_visible()
    shot(page, f"coord_alerts_{size}")


@pytest.mark.parametrize("size", list(SIZES))
def test_duplicates_merge_in_two_taps(tabs: Tabs, size: str) -> None:
    page = _open(tabs, size)
    tap(button(page, "1 possible duplicate"))
    expect(page.get_by_text(f"and merge {ALIAS} into it")).to_be_visible()
    shot(page, f"coord_duplicates_{size}")
    tap(button(page, "Merge"))  # tap 1
    expect(page.get_by_text("Merge these actors?")).to_be_visible()
    tap(page.get_by_role("button", name="Merge").last)  # tap 2
    expect(page.get_by_text("No two actors look alike.")).to_be_visible()
    _back(page)
    settle(page)
    # The merged actor's contact now counts for the one kept.
    expect(
        page.get_by_role("button", name="Jaish al-Mahdi: open the profile")
    ).to_be_visible()
    expect(page.get_by_text("0 possible duplicates")).to_be_visible()


def test_access_report_and_a_shareable_export(tabs: Tabs) -> None:
    page = _open(tabs, "desktop")
    tap(button(page, "Access incidents"))
    expect(page.get_by_text("4 crossings were not free", exact=False)).to_be_visible()
    shot(page, "coord_access_desktop")
    _back(page)
    tap(button(page, "Export"))
    tap(chip(page, "Printable report"))
    tap(chip(page, "Shareable"))
    with page.expect_download() as caught:
        tap(button(page, "Export every contact and checkpoint log"))
    text = Path(caught.value.path()).read_text(encoding="utf-8")
    assert "Northern Brigade" in text
    for secret in MARKERS:
        assert secret not in text, secret
    shot(page, "coord_export_desktop")
    expect(page.get_by_text("Exports from this device")).to_be_visible()


def test_a_field_device_has_no_coordination_tab(tabs: Tabs) -> None:
    from seed import seed_vault

    seed_vault(tabs.server.data_dir, PASSPHRASE)
    page = tabs.open()
    unlock(page, PASSPHRASE)
    expect(button(page, "Log checkpoint")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("tab", name="Guide")).to_be_visible()
    expect(page.get_by_role("tab", name="Coordination")).to_have_count(0)
