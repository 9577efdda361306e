"""The guide in the browser: search, read, follow, bookmark, pick, mark consulted."""

from __future__ import annotations

import re

from conftest import PASSPHRASE, Tabs
from helpers import button, chip, fill, shot, tap, toast, unlock
from playwright.sync_api import Locator, Page, expect
from seed import seed_vault

APP_BAR = (160, 28)  # the mouse rests on the app bar title: no hover highlight


def _open_seeded(tabs: Tabs) -> Page:
    seed_vault(tabs.server.data_dir, PASSPHRASE)
    page = tabs.open()
    unlock(page, PASSPHRASE)
    expect(button(page, "Log checkpoint")).to_be_visible(timeout=15_000)
    return page


def _open_guide(tabs: Tabs) -> Page:
    page = _open_seeded(tabs)
    page.get_by_role("tab", name="Guide").click()
    expect(page.get_by_role("heading", name="Guide")).to_be_visible()
    return page


def _row(page: Page, first_line: str) -> Locator:
    """A list row (card, search result, ranked result) by its first line."""
    return page.get_by_role("button", name=re.compile("^" + re.escape(first_line)))


def _heading(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", name=text, exact=True)


def test_search_with_a_wrong_accent_then_read_follow_and_bookmark(
    tabs: Tabs,
) -> None:
    page = _open_guide(tabs)
    # The card says "démarche"; typed with the wrong accent it is still found.
    fill(page, "Search the guide", "dèmarche")
    expect(page.get_by_text("1 card matches")).to_be_visible()
    result = _row(page, "Direct dialogue")
    expect(result).to_contain_text("démarche")
    shot(page, "guide_search", rest=APP_BAR)
    tap(result)
    expect(_heading(page, "Direct dialogue")).to_be_visible()
    expect(_heading(page, "What it is")).to_be_visible()
    shot(page, "guide_card", rest=APP_BAR)
    tap(_row(page, "Appealing to common interest and humanity"))
    expect(_heading(page, "Appealing to common interest and humanity")).to_be_visible()
    tap(button(page, "Bookmark this card"))
    expect(toast(page, "Bookmarked.")).to_be_visible()
    expect(button(page, "Remove bookmark")).to_be_visible()
    tap(button(page, "Back"))
    expect(_heading(page, "Direct dialogue")).to_be_visible()
    tap(button(page, "Back"))
    expect(page.get_by_text("1 card matches")).to_be_visible()
    tap(button(page, "Bookmarks").first)
    expect(_heading(page, "Bookmarks")).to_be_visible()
    expect(_row(page, "Appealing to common interest and humanity")).to_be_visible()
    shot(page, "guide_bookmarks", rest=APP_BAR)


def test_picker_ranks_methods_with_reasons_and_opens_the_top_one(tabs: Tabs) -> None:
    page = _open_guide(tabs)
    tap(button(page, "Help me choose a method"))
    expect(page.get_by_text("Question 1 of 5")).to_be_visible()
    for step, answer in enumerate(
        (
            "Secure safe access or safe passage for aid",
            "A non-State armed group",
            "Yes, we can meet people who decide",
            "National staff or community members they know",
            "Low: we must not put access or staff at risk",
        ),
        2,
    ):
        tap(button(page, answer))
        if step <= 5:
            expect(page.get_by_text(f"Question {step} of 5")).to_be_visible()
    expect(_heading(page, "Methods, best fit first")).to_be_visible()
    top = _row(page, "1. Direct dialogue")
    expect(top).to_contain_text("Best fit")
    expect(top).to_contain_text("You can reach people who decide")
    expect(_row(page, "1. Appealing to common interest and humanity")).to_have_count(1)
    shot(page, "guide_picker", rest=APP_BAR)
    tap(top)
    expect(_heading(page, "Direct dialogue")).to_be_visible()
    shot(page, "guide_picker_top_card", rest=APP_BAR)


def test_contact_method_card_is_marked_consulted_and_saved(tabs: Tabs) -> None:
    page = _open_seeded(tabs)
    tap(button(page, "New contact"))
    fill(page, "Interlocutor's role", "Checkpoint commander")
    tap(button(page, "Method and approach"))
    tap(chip(page, "Direct dialogue"))
    tap(button(page, "Guidance on Direct dialogue"))
    expect(_heading(page, "Direct dialogue")).to_be_visible()
    shot(page, "guide_card_for_contact", rest=APP_BAR)
    tap(button(page, "Mark as consulted for this contact"))
    expect(toast(page, "Direct dialogue: marked as consulted.")).to_be_visible()
    expect(page.get_by_text("Guidance consulted")).to_be_visible()
    expect(
        button(page, "Remove Direct dialogue from consulted guidance")
    ).to_be_visible()
    shot(page, "guide_contact_consulted", rest=APP_BAR)
    tap(button(page, "Save"))
    expect(toast(page, "Contact saved.")).to_be_visible()
    expect(page.get_by_text("Checkpoint commander")).to_be_visible()
    expect(page.get_by_text("Guidance consulted")).to_be_visible()
    shot(page, "guide_contact_record", rest=APP_BAR)
