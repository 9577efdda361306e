"""'Use my location' at 390x844: off by default; once on, it fills a place's
position rounded to about 1 km, and a refused location says what to do."""

from __future__ import annotations

from conftest import PASSPHRASE, Tabs
from helpers import button, chip, create_vault, fill, shot, tap, toast
from playwright.sync_api import Page, expect

# Addis Ababa's Meskel Square, to the metre: the app must never show this.
EXACT = (9.0101234, 38.7612345)


def _places(page: Page) -> None:
    page.get_by_role("tab", name="Actors").click()
    tap(button(page, "Places"))
    tap(button(page, "Add place"))
    expect(page.get_by_role("heading", name="New place")).to_be_visible()


def _turn_location_on(page: Page) -> None:
    page.get_by_role("tab", name="Settings").click()
    tap(chip(page, "When I tap"))
    expect(toast(page, "Location choice saved.")).to_be_visible()


def test_use_my_location_is_not_offered_until_turned_on(tabs: Tabs) -> None:
    page = tabs.open(position=EXACT)
    create_vault(page, PASSPHRASE)
    _places(page)
    expect(page.get_by_text("No GPS is read.", exact=False)).to_be_visible()
    expect(button(page, "Use my location")).to_have_count(0)


def test_use_my_location_fills_a_position_rounded_to_about_1_km(tabs: Tabs) -> None:
    page = tabs.open(position=EXACT)
    create_vault(page, PASSPHRASE)
    _turn_location_on(page)
    _places(page)
    fill(page, "Place name", "Meskel Square")
    tap(button(page, "Use my location"))
    expect(toast(page, "Position filled in, rounded to about 1 km.")).to_be_visible(
        timeout=20_000
    )
    shot(page, "place_located")
    tap(button(page, "Save"))
    expect(toast(page, "Place saved.")).to_be_visible()
    # The list shows what was saved: the rounded position, never the fix.
    row = page.get_by_role("button", name="Meskel Square")
    expect(row).to_have_accessible_name("Meskel Square 9.01, 38.76")
    shot(page, "places_list_located")


def test_a_refused_location_says_how_to_allow_it_and_keeps_the_form(
    tabs: Tabs,
) -> None:
    page = tabs.open()  # location not allowed for this browser
    create_vault(page, PASSPHRASE)
    _turn_location_on(page)
    _places(page)
    fill(page, "Place name", "River crossing")
    tap(button(page, "Use my location"))
    denied = (
        "Parley may not read this phone's position. Allow location for Parley "
        "in the phone's settings, or type the position."
    )
    expect(toast(page, denied)).to_be_visible(timeout=30_000)
    shot(page, "place_location_refused")
    name = page.get_by_role("textbox", name="Place name")
    expect(name).to_have_value("River crossing")
    expect(button(page, "Use my location")).to_be_enabled()
