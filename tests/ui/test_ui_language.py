"""Each session has its own language; dates and numbers follow the session's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from flet.controls.context import _context_page
from harness import Tab

from app.ui import catalog_en
from app.ui.formats import Formats
from app.ui.messages import ENGLISH, LANGUAGES, Language, formats, t

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
