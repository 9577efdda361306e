"""Each session has its own language; dates and numbers follow the session's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft
import pytest
from flet.controls.context import _context_page
from harness import Tab

from app.ui import catalog_en, messages
from app.ui.formats import Formats
from app.ui.messages import ENGLISH, LANGUAGES, Language, formats, t, tn

Unlocked = Callable[[], Awaitable[Tab]]
PASSPHRASE = "correct horse battery"

# A stand-in for a second catalog: the same keys, other words, another locale.
TEST = Language(
    code="fr",
    name="Test",
    text={
        **catalog_en.TEXT,
        "home.quick_log": "Noter un barrage",
        "nav.home": "Accueil",
    },
    enums=catalog_en.ENUMS,
    formats=Formats(locale="fr"),
)


def _shell(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__  # type: ignore[union-attr]


async def test_switching_language_in_one_tab_leaves_the_others_alone(
    unlocked: Unlocked, open_tab: Callable[..., Tab]
) -> None:
    first = await unlocked()
    second = open_tab()
    await second.type("Passphrase", PASSPHRASE)
    await second.press("Unlock")
    await second.settle()
    _context_page.set(first.page)  # as when the first tab's own control is tapped
    _shell(first).use_language(TEST)
    await first.nav("Accueil")  # an event of the first tab: its words
    assert first.has_text("Noter un barrage")
    await second.nav("Home")  # the second tab still reads English
    assert second.has_text("Log checkpoint")
    assert not second.has_text("Noter un barrage")


def test_outside_any_session_text_is_english() -> None:
    assert t("home.quick_log") == "Log checkpoint"
    assert formats() is ENGLISH.formats


def test_english_dates_stay_iso_and_another_locale_uses_its_own() -> None:
    moment = dt.datetime(2026, 3, 9, 14, 5).astimezone()
    assert ENGLISH.formats.day(moment) == "2026-03-09"
    assert ENGLISH.formats.moment(moment) == "2026-03-09 14:05"
    assert ENGLISH.formats.clock(moment) == "14:05"
    assert ENGLISH.formats.decimal(1234.5) == "1,234.5"
    assert TEST.formats.day(moment.date()) == "9 mars 2026"
    assert TEST.formats.decimal(1234.5).replace("\u202f", " ") == "1 234,5"


def test_every_catalog_has_every_english_key() -> None:
    for language in LANGUAGES.values():
        assert set(language.text) >= set(ENGLISH.text), language.code


class _Device:
    def __init__(self, *tags: str) -> None:
        self.locales = [ft.Locale(*tag.split("-")) for tag in tags]
        self.languages = list(tags)


def _device_speaks(monkeypatch: pytest.MonkeyPatch, *tags: str) -> None:
    async def info(_: ft.Page) -> _Device:
        return _Device(*tags)

    monkeypatch.setattr(ft.Page, "get_device_info", info)


async def test_a_new_session_starts_in_the_device_language(
    open_tab: Callable[..., Tab], monkeypatch: pytest.MonkeyPatch
) -> None:
    _device_speaks(monkeypatch, "ar-SA", "en-US")
    tab = open_tab()
    await tab.settle()
    assert tab.has_text("أنشئ خزنتك")  # Create your vault
    assert tab.page.rtl is True
    assert tab.page.locale_configuration is not None
    current = tab.page.locale_configuration.current_locale
    assert current is not None and current.language_code == "ar"


async def test_a_device_language_parley_lacks_leaves_the_next_one_or_english(
    open_tab: Callable[..., Tab], monkeypatch: pytest.MonkeyPatch
) -> None:
    _device_speaks(monkeypatch, "es-ES", "fr-FR")
    french = open_tab()
    await french.settle()
    assert french.has_text("Créer votre coffre") and french.page.rtl is False
    _device_speaks(monkeypatch, "sw-KE")
    other = open_tab()
    await other.settle()
    assert other.has_text("Create your vault")


async def test_picking_a_language_in_settings_switches_that_session_and_its_guide(
    unlocked: Unlocked, open_tab: Callable[..., Tab]
) -> None:
    first = await unlocked()
    second = open_tab()
    await second.type("Passphrase", PASSPHRASE)
    await second.press("Unlock")
    await second.settle()
    _context_page.set(first.page)
    await first.nav("Settings")
    await first.pick("العربية")
    assert first.has_text("اللغة") and first.page.rtl is True
    assert _shell(first).services.guidance.language == "ar"
    # The device telling its own language later does not undo the choice.
    await first.session.dispatch_event(
        first.page._i, "locale_change", {"locales": [{"language_code": "fr"}]}
    )
    assert first.has_text("اللغة")
    _context_page.set(second.page)
    await second.nav("Settings")
    assert second.has_text("Language") and second.page.rtl is False
    assert _shell(second).services.guidance.language == "en"


def test_counts_take_the_plural_form_of_the_language() -> None:
    arabic, french = LANGUAGES["ar"], LANGUAGES["fr"]
    with _speaking(arabic):
        got = [tn("records.count", n) for n in (0, 1, 2, 5, 11, 101)]
    assert got[:3] == ["لا توجد سجلات", "سجل واحد", "سجلان"]
    assert got[3:] == ["5 سجلات", "11 سجلا", "101 سجل"]
    with _speaking(french):
        assert [tn("records.count", n) for n in (0, 1, 2)] == [
            "0 fiche",
            "1 fiche",
            "2 fiches",
        ]
        assert tn("records.count", 1200).replace("\u202f", " ") == "1 200 fiches"
    assert tn("records.count", 1200) == "1,200 records"


class _speaking:
    """Look text up as a session in ``language`` would (no browser needed)."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def __enter__(self) -> None:
        self._was = messages.current
        messages.current = lambda: self.language  # type: ignore[assignment]

    def __exit__(self, *_: object) -> None:
        messages.current = self._was  # type: ignore[method-assign]
