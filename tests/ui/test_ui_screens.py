"""More view wiring: planned contacts, guidance hook, settings, filters, places."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest
from harness import Tab

from app.ui.views import contact as contact_view

Unlocked = Callable[[], Awaitable[Tab]]


def _shell(tab: Tab):  # type: ignore[no-untyped-def]
    return tab.page.on_route_change.__self__  # type: ignore[union-attr]


async def test_planned_contact_shows_upcoming_and_is_done_in_one_tap(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("Plan contact")
    later = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    await tab.type("Date (YYYY-MM-DD)", later)
    await tab.type("Interlocutor's role", "District commander")
    await tab.press("Save")
    _shell(tab).go("/")
    assert tab.has_text("Upcoming contacts")
    await tab.press("Mark done")
    assert not tab.has_text("Upcoming contacts")
    assert _shell(tab).services.contacts.upcoming() == []


async def test_method_chip_opens_its_guidance_card_without_marking_it(
    unlocked: Unlocked, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = await unlocked()
    opened: list[str] = []

    def opening(_host: object, card_id: str, *, target: object) -> None:
        opened.append(card_id)

    monkeypatch.setattr(contact_view, "open_card", opening)
    await tab.press("New contact")
    await tab.press("Guidance on Direct dialogue")
    await tab.press("Guidance on Quid pro quo, compromise")
    assert opened == ["method-direct_dialogue", "approach-quid_pro_quo"]
    await tab.type("What we asked for", "Open the road")
    await tab.press("Save")
    record_id = tab.params["id"]
    # Reading is not consulting: the card screen's own action marks it.
    assert _shell(tab).services.contacts.form(record_id).cards == []


async def test_idle_setting_applies_at_once(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.nav("Settings")
    await tab.pick("1 min")
    shell = _shell(tab)
    assert shell.services.preferences.idle_timeout_s() == 60
    shell._last_touch -= 61
    shell.tick()
    assert tab.has_text("Unlock Parley")


async def test_wipe_limit_chip_sets_the_vault_limit(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.nav("Settings")
    await tab.pick("10 tries")
    await tab.press("Save erase limit")
    assert _field(tab, "Current passphrase", 0).error == "Wrong passphrase."
    assert _shell(tab).services.security.wipe_limit() is None
    await tab.type_nth("Current passphrase", 0, "correct horse battery")
    await tab.press("Save erase limit")
    assert _shell(tab).services.security.wipe_limit() == 10
    await tab.pick("Off")
    await tab.type_nth("Current passphrase", 0, "correct horse battery")
    await tab.press("Save erase limit")
    assert _shell(tab).services.security.wipe_limit() is None


def _field(tab: Tab, label: str, index: int):  # type: ignore[no-untyped-def]
    return [c for c in tab.top() if getattr(c, "label", None) == label][index]


async def test_change_passphrase_from_settings(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.nav("Settings")
    await tab.type_nth("Current passphrase", 1, "wrong one here")
    await tab.type("New passphrase", "a brand new phrase")
    await tab.type("Type the new one again", "a brand new phrase")
    await tab.press("Change passphrase")
    assert _field(tab, "Current passphrase", 1).error == "Wrong passphrase."
    await tab.type_nth("Current passphrase", 1, "correct horse battery")
    await tab.press("Change passphrase")
    await tab.press("Lock now")
    await tab.type("Passphrase", "a brand new phrase")
    await tab.press("Unlock")
    # Unlocked with the new words, back on the screen it locked on.
    assert tab.route == "/settings" and not tab.has_text("Unlock Parley")


async def test_records_filter_and_search_narrow_the_list(unlocked: Unlocked) -> None:
    tab = await unlocked()
    svc = _shell(tab).services
    now = dt.datetime.now().astimezone()
    svc.checkpoints.quick_save(outcome="passed", observed_at=now)
    form = svc.contacts.new_form()
    form.asks = "Release the detained driver"
    svc.contacts.save(form)
    await tab.nav("Records")
    assert tab.has_text("2 records")
    await tab.pick("Contact")
    assert tab.has_text("1 record")
    await tab.pick("Contact")
    await tab.type("Search records", "detained")
    assert tab.has_text("1 record")
    assert tab.has_text("Contact: Bilateral dialogue")


async def test_place_created_inline_and_edited_with_coarse_position(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("Log checkpoint")
    await tab.type("Type a new place name", "Bridge 4")
    await tab.press("Add place “Bridge 4”")
    assert tab.chip("Bridge 4").selected
    _shell(tab).go("/places")
    await tab.open_row("Bridge 4")
    await tab.type("Latitude (optional)", "12.34567")
    await tab.press("Save")
    assert tab.field("Longitude (optional)").error == "Required."
    await tab.type("Longitude (optional)", "45.6789")
    await tab.press("Save")
    assert tab.route == "/places"
    place = _shell(tab).services.places.search("Bridge")[0]
    assert _shell(tab).services.places.form(place.id).lat == "12.35"


async def test_settings_say_how_this_device_guards_the_keys(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.nav("Settings")
    assert tab.has_text("How this device guards your keys")
    level = _shell(tab).services.security.protection().value
    expected = {
        "file_in_place": "Basic. This device has no security chip",
        "file": "Weak. This device's storage keeps old copies",
    }[level]
    assert tab.has_text(expected)


async def test_location_chip_turns_use_my_location_on_and_off(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.nav("Settings")
    assert _shell(tab).services.preferences.use_location() is False
    await tab.pick("When I tap")
    assert _shell(tab).services.preferences.use_location() is True
    await tab.pick("Never")
    assert _shell(tab).services.preferences.use_location() is False
