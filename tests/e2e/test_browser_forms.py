"""Forms as ODK and Kobo users expect them: add a missing actor on the spot."""

from __future__ import annotations

import datetime as dt
import re

from conftest import PASSPHRASE, Tabs
from helpers import button, chip, fill, settle, shot, tap, toast, unlock
from playwright.sync_api import Locator, Page, expect
from seed import seed_vault

NEW = "Blue Scarves militia"


def _open_seeded(tabs: Tabs) -> Page:
    seed_vault(tabs.server.data_dir, PASSPHRASE)
    page = tabs.open()
    unlock(page, PASSPHRASE)
    expect(button(page, "Log checkpoint")).to_be_visible(timeout=15_000)
    return page


class Taps:
    """Counts what a person taps (typing a name counts as one tap: the field)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, target: Locator) -> None:
        tap(target)
        self.count += 1

    def type(self, page: Page, label: str, text: str) -> None:
        fill(page, label, text)
        self.count += 1


def test_quick_log_with_a_new_actor_takes_at_most_seven_taps(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    taps = Taps()
    taps(button(page, "Log checkpoint"))
    expect(page.get_by_role("heading", name="Log checkpoint")).to_be_visible()
    taps(chip(page, "North gate"))
    taps.type(page, "Actor name or alias", NEW)
    taps(button(page, f"Add actor “{NEW}”"))
    expect(page.get_by_text(f"What kind of actor is “{NEW}”?")).to_be_visible()
    shot(page, "quick_log_actor_type")
    taps(chip(page, "Militia / self-defence"))
    expect(chip(page, NEW)).to_be_checked()
    taps(chip(page, "Passed"))
    shot(page, "quick_log_new_actor")
    taps(button(page, "Save log"))
    expect(toast(page, "Saved as draft. Complete it later.")).to_be_visible()
    assert taps.count <= 7, taps.count
    row = page.get_by_role("button", name="Checkpoint: Passed", exact=False)
    expect(row.first).to_contain_text(NEW)
    page.get_by_role("tab", name="Actors").click()
    expect(page.get_by_role("heading", name="Actors")).to_be_visible()
    actor = page.get_by_role("button", name=NEW, exact=False)
    expect(actor).to_contain_text("Militia / self-defence")
    shot(page, "actors_after_quick_add")


def test_quick_log_keeps_a_typed_actor_it_was_not_told_to_add(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "Log checkpoint"))
    fill(page, "Actor name or alias", NEW)
    tap(chip(page, "Passed"))
    tap(button(page, "Save log"))
    expect(
        page.get_by_text(f"“{NEW}” is not in the list yet.", exact=False)
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Log checkpoint")).to_be_visible()
    shot(page, "quick_log_actor_not_added")


def test_contact_saved_with_an_actor_created_from_the_form(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "New contact"))
    fill(page, "Actor name or alias", NEW)
    tap(button(page, f"Add actor “{NEW}”"))
    tap(chip(page, "Non-State armed group"))
    expect(chip(page, NEW)).to_be_checked()
    settle(page)
    shot(page, "contact_new_actor")
    tap(button(page, "Save"))
    expect(toast(page, "Contact saved.")).to_be_visible()
    expect(page.get_by_text(NEW).first).to_be_visible()
    shot(page, "contact_new_actor_saved")


def test_five_thousand_characters_pasted_into_notes_name_the_limit(
    tabs: Tabs,
) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "New contact"))
    tap(button(page, "Outcome and notes"))
    fill(page, "Notes", "n" * 5000)
    limit = page.get_by_text(
        "Too long: 5,000 characters, the limit is 4,000.", exact=False
    ).first
    expect(limit).to_be_visible()
    tap(button(page, "Save"))
    expect(toast(page, "Notes: Too long: 5,000 characters")).to_be_visible()
    expect(limit).to_be_visible()
    # Nothing was lost: both messages count the app's copy of the text, all 5,000
    # characters (the DOM input's own value goes stale once the server re-sends).
    shot(page, "notes_over_the_limit")


def test_saved_contact_shows_its_commitments_and_level(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "New contact"))
    tap(chip(page, "Northern Brigade"))
    tap(chip(page, "Senior"))
    tap(button(page, "Commitments"))
    tap(button(page, "Add commitment"))
    fill(page, "Commitment 1", "Open the gate at 8 every morning")
    fill(page, "Due date 1 (YYYY-MM-DD)", "2026-06-10")
    tap(button(page, "Save"))
    expect(toast(page, "Contact saved.")).to_be_visible()
    expect(page.get_by_text("Senior")).to_be_visible()
    expect(
        page.get_by_text("Open the gate at 8 every morning · due", exact=False)
    ).to_contain_text("Pending")
    shot(page, "contact_record_commitments")


def test_an_empty_contact_is_refused(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "New contact"))
    tap(button(page, "Save"))
    expect(page.get_by_text("Nothing to save yet", exact=False).first).to_be_visible()
    expect(page.get_by_role("heading", name="New contact")).to_be_visible()
    shot(page, "contact_empty_refused")


def test_a_date_in_2100_asks_for_confirmation(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "New contact"))
    fill(page, "Date (YYYY-MM-DD)", "2100-05-31")
    tap(chip(page, "Northern Brigade"))
    tap(button(page, "Save"))
    expect(page.get_by_text("more than a year from today", exact=False)).to_be_visible()
    shot(page, "contact_far_date")
    tap(button(page, "Yes, save"))
    expect(toast(page, "Contact saved.")).to_be_visible()


def test_the_calendar_fills_the_date(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "New contact"))
    tap(button(page, "Pick Date (YYYY-MM-DD) from a calendar"))
    expect(page.get_by_role("button", name="Previous month")).to_be_visible()
    tap(page.get_by_role("button", name=re.compile(r"^15\b")))
    shot(page, "contact_calendar")
    tap(page.get_by_role("button", name="OK"))
    tap(chip(page, "Northern Brigade"))
    tap(button(page, "Save"))
    day = dt.date.today().replace(day=15)
    if abs((day - dt.date.today()).days) > 366:  # pragma: no cover - never
        tap(button(page, "Yes, save"))
    expect(toast(page, "Contact saved.")).to_be_visible()
    expect(page.get_by_text(day.isoformat(), exact=False).first).to_be_visible()


def test_long_chip_labels_fit_a_390_px_screen(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "Log checkpoint"))
    tap(chip(page, "Delayed"))
    tap(button(page, "Save log"))
    expect(page.get_by_role("heading", name="Drafts to complete")).to_be_visible()
    tap(page.get_by_role("button", name="Checkpoint: Delayed", exact=False).first)
    expect(page.get_by_role("heading", name="Complete checkpoint log")).to_be_visible()
    long = chip(page, "Roads, weather, terrain")
    tap(long)
    shot(page, "long_chip")
    # A chip squeezed to the row's full width (358 px) has its label cut off.
    for item in page.get_by_role("checkbox").all():
        box = item.bounding_box()
        if box and box["height"] > 0:
            assert box["width"] < 358, (item.get_attribute("aria-label"), box)
