"""Limits shown before they bite, required fields, empty contacts, far dates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft
from harness import Tab

Unlocked = Callable[[], Awaitable[Tab]]
LIMIT_SAYS = "Too long: 5,000 characters, the limit is 4,000. Shorten it by 1,000"


def _services(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__.services  # type: ignore[union-attr]


def _go(tab: Tab, route: str) -> None:
    tab.page.on_route_change.__self__.go(route)  # type: ignore[union-attr]


def _dialog_texts(tab: Tab) -> list[str]:
    return [
        c.value
        for c in tab.walk()
        if isinstance(c, ft.Text) and c.value and _in_open_dialog(tab, c)
    ]


def _in_open_dialog(tab: Tab, control: ft.Text) -> bool:
    for dialog in tab.page._dialogs.controls:
        if getattr(dialog, "open", False) and control in list(_controls(dialog)):
            return True
    return False


def _controls(root: Any) -> Any:
    from harness import _walk

    yield from _walk([root])


async def _dialog_press(tab: Tab, text: str) -> None:
    found = [
        c
        for c in tab.walk()
        if isinstance(c, ft.FilledButton | ft.TextButton)
        and getattr(c.content, "value", "") == text
    ]
    await tab.tap(found[-1])


async def test_five_thousand_characters_in_notes_name_the_limit_and_are_kept(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    _go(tab, "/log/new")
    await tab.settle()
    await tab.pick("Delayed")
    await tab.type("Notes", "n" * 5000)
    notes = tab.field("Notes")
    assert notes.counter == "5,000 / 4,000"
    assert notes.error is not None and notes.error.startswith(LIMIT_SAYS)
    await tab.press("Save as complete")
    assert tab.route == "/log/new"
    assert tab.field("Notes").value == "n" * 5000
    assert tab.field("Notes").error.startswith(LIMIT_SAYS)  # type: ignore[union-attr]
    assert _services(tab).records.home().recent == []
    await tab.type("Notes", "n" * 4000)
    assert tab.field("Notes").error is None
    await tab.press("Save as complete")
    assert tab.route == "/record"


async def test_a_counter_shows_near_the_limit_only(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.type("What we asked for", "a" * 100)
    assert tab.field("What we asked for").counter is None
    await tab.type("What we asked for", "a" * 3500)
    field = tab.field("What we asked for")
    assert (field.counter, field.error) == ("3,500 / 4,000", None)


async def test_required_fields_are_marked_from_the_start(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    assert tab.field("Date (YYYY-MM-DD)").helper == "Required"
    assert tab.has_text("Required")  # next to the setting chips
    _go(tab, "/log/new")
    await tab.settle()
    assert tab.field("Observed (YYYY-MM-DD HH:MM)").helper == "Required"
    assert tab.has_text("Required")  # next to the outcome chips


async def test_an_empty_contact_is_refused_with_a_message(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.press("Save")
    assert tab.route == "/contact/new"
    assert tab.has_text("Nothing to save yet")
    assert _services(tab).records.home().recent == []
    await tab.type("Notes", "Met at the market, no commander present")
    await tab.press("Save")
    assert tab.route == "/record"


async def test_a_contact_without_a_setting_is_refused_not_turned_into_other(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.pick("Bilateral dialogue")  # unselect the default
    await tab.type("Notes", "Short talk")
    await tab.press("Save")
    assert tab.route == "/contact/new"
    assert tab.has_text("Required.")


async def test_a_date_in_2100_or_1900_asks_for_confirmation(unlocked: Unlocked) -> None:
    tab = await unlocked()
    for day in ("2100-01-01", "1900-01-01"):
        await tab.press("New contact")
        await tab.type("Date (YYYY-MM-DD)", day)
        await tab.type("Notes", f"Dated {day}")
        await tab.press("Save")
        assert tab.route == "/contact/new"
        assert any("more than a year from today" in x for x in _dialog_texts(tab))
        await _dialog_press(tab, "Yes, save")
        assert tab.route == "/record"
        assert tab.has_text(f"Dated {day}")
        _go(tab, "/")
        await tab.settle()


async def test_cancelling_a_far_date_keeps_the_form(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.type("Date (YYYY-MM-DD)", "2100-01-01")
    await tab.type("Notes", "Typo in the year")
    await tab.press("Save")
    await _dialog_press(tab, "Cancel")
    assert tab.route == "/contact/new"
    assert tab.field("Notes").value == "Typo in the year"
    assert _services(tab).records.home().recent == []


async def test_commitments_are_multi_line(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.press("Add commitment")
    assert tab.field("Commitment 1").multiline
