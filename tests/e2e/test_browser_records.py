"""Quick log in five taps, a contact fixed after a validation error, alias search."""

from __future__ import annotations

import datetime as dt

from conftest import PASSPHRASE, Tabs
from helpers import button, chip, fill, settle, shot, tap, toast, unlock
from playwright.sync_api import Locator, Page, expect
from seed import seed_vault


def _open_seeded(tabs: Tabs) -> Page:
    seed_vault(tabs.server.data_dir, PASSPHRASE)
    page = tabs.open()
    unlock(page, PASSPHRASE)
    expect(button(page, "Log checkpoint")).to_be_visible(timeout=15_000)
    return page


def _small_targets(page: Page) -> list[str]:
    """Interactive elements on screen smaller than 48 px in either direction."""
    small = []
    for role in ("button", "checkbox", "textbox", "tab"):
        for item in page.get_by_role(role).all():
            box = item.bounding_box()
            if (
                box
                and box["height"] > 0
                and (box["height"] < 47.5 or box["width"] < 47.5)
            ):
                small.append(f"{role} {item.get_attribute('aria-label')} {box}")
    return small


def test_quick_checkpoint_log_takes_five_taps_and_shows_in_the_list(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    taps = 0

    def count(target: Locator) -> None:
        nonlocal taps
        tap(target)
        taps += 1

    count(button(page, "Log checkpoint"))
    expect(page.get_by_role("heading", name="Log checkpoint")).to_be_visible()
    settle(page)
    assert _small_targets(page) == []
    count(chip(page, "North gate"))
    count(chip(page, "Northern Brigade"))
    count(chip(page, "Delayed"))
    shot(page, "quick_log")
    count(button(page, "Save log"))
    expect(toast(page, "Saved as draft. Complete it later.")).to_be_visible()
    assert taps <= 5, taps
    expect(page.get_by_role("heading", name="Drafts to complete")).to_be_visible()
    page.get_by_role("tab", name="Records").click()
    expect(page.get_by_role("heading", name="Records")).to_be_visible()
    row = page.get_by_role("button", name="Checkpoint: Delayed", exact=False)
    expect(row).to_have_count(1)  # once the page transition is over
    expect(row).to_contain_text("North gate")
    expect(row).to_contain_text("Draft")
    expect(row).to_contain_text("Not synced")
    shot(page, "records_list")


def test_contact_with_a_validation_error_is_fixed_and_saved(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "New contact"))
    fill(page, "Date (YYYY-MM-DD)", "31/05/2024")
    fill(page, "Interlocutor's role", "Checkpoint commander")
    tap(chip(page, "Northern Brigade"))
    tap(button(page, "Method and approach"))
    tap(chip(page, "Direct dialogue"))
    tap(chip(page, "Local norms and values"))
    tap(button(page, "Commitments"))
    tap(button(page, "Add commitment"))
    soon = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    fill(page, "Due date 1 (YYYY-MM-DD)", soon)
    tap(button(page, "Save"))
    # The field shows the message; the error summary (a toast) repeats it
    # after the label for as long as it stays up, so match the field's own.
    expect(
        page.get_by_text("Use the form 2024-05-31 (year-month-day).", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("Required.", exact=True)).to_be_visible()
    shot(page, "contact_validation_error")
    fill(page, "Date (YYYY-MM-DD)", dt.date.today().isoformat())
    fill(page, "Commitment 1", "Open the gate at 8 every morning")
    tap(button(page, "Save"))
    expect(toast(page, "Contact saved.")).to_be_visible()
    expect(page.get_by_text("Contact: Bilateral dialogue")).to_be_visible()
    expect(page.get_by_text("Checkpoint commander")).to_be_visible()
    expect(page.get_by_text("Direct dialogue")).to_be_visible()
    shot(page, "contact_record")


def test_actor_search_finds_an_actor_by_alias(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    page.get_by_role("tab", name="Actors").click()
    fill(page, "Search name or alias", "hawk")
    expect(page.get_by_text("alias: The Hawks")).to_be_visible()
    expect(page.get_by_text("Northern Brigade")).to_be_visible()
    shot(page, "actor_alias_search")
