"""Arabic (right to left) and French in the browser, and two languages at once.

Each flow runs on a phone-sized screen whose browser speaks the language, as a
phone set to it would: vault creation, a quick checkpoint log, a contact form
(its date typed in Arabic-Indic digits), a guidance card, and the sync screen
after connecting to a real hub. Labels come from the catalogs, so the test reads
what the person reads; screenshots land in screenshots/languages_*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Tabs
from helpers import button, chip, fill, settle, shot, tap, toast
from playwright.sync_api import Locator, Page, expect

from app.ui.messages import LANGUAGES
from bench._hubproc import HubProcess

ORG_PASSPHRASE = "organisation passphrase for browser tests"
WIDTH = 390
# A day typed as an Arabic reader may type it: Arabic-Indic digits.
TYPED_DAY = {"ar": "٢٠٢٦-٠٣-٠٩", "fr": "2026-03-09"}


@pytest.fixture
def hub_proc(tmp_path: Path) -> Iterator[HubProcess]:
    proc = HubProcess(
        f"sqlite:///{tmp_path / 'hub.db'}", PARLEY_ORG_PASSPHRASE=ORG_PASSPHRASE
    )
    proc.cli("init", "--org", "Browser test", "--kdf-memory-kib", "8192")
    proc.start()
    yield proc
    proc.stop()


def _code(hub: HubProcess) -> str:
    out = hub.cli("enroll", "--team", "north", "--role", "field", "--url", hub.url)
    found = re.search(r"^enrollment code\s+(\S+)$", out, re.MULTILINE)
    assert found, out
    return found.group(1)


class Speaker:
    """The words of one language, as the app shows them."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.language = LANGUAGES[code]

    def __call__(self, key: str, **values: object) -> str:
        return self.language.text[key].format(**values)

    def enum(self, group: str, value: str) -> str:
        return self.language.enums[group][value]


def _heading(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", name=text, exact=True)


def _tab(page: Page, text: str) -> Locator:
    return page.get_by_role("tab", name=text, exact=True)


def _center_x(target: Locator) -> float:
    box = target.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2


def _assert_direction(page: Page, say: Speaker) -> None:
    """Right to left: the first tab (Home) is at the right and Guide at the left."""
    home, guide = _tab(page, say("nav.home")), _tab(page, say("nav.guide"))
    if say.language.rtl:
        assert _center_x(home) > WIDTH / 2 > _center_x(guide)
    else:
        assert _center_x(home) < WIDTH / 2 < _center_x(guide)


def _back_is_on_the_leading_side(page: Page, say: Speaker) -> None:
    back = page.get_by_role("button", name=say("action.back"), exact=True)
    if not back.count():  # Flutter's own back button: its tooltip is localized
        back = page.get_by_role("button").first
    x = _center_x(back)
    assert (x > WIDTH / 2) if say.language.rtl else (x < WIDTH / 2)


def _flow(tabs: Tabs, hub: HubProcess, code: str, locale: str) -> None:
    say = Speaker(code)
    page = tabs.open(locale=locale)
    # -- vault creation
    expect(_heading(page, say("create.title"))).to_be_visible(timeout=15_000)
    fill(page, say("create.passphrase"), PASSPHRASE)
    fill(page, say("create.confirm"), PASSPHRASE)
    shot(page, f"languages_{code}_create")
    tap(button(page, say("create.submit")))
    expect(button(page, say("home.quick_log"))).to_be_visible(timeout=15_000)
    _assert_direction(page, say)
    shot(page, f"languages_{code}_home")
    # -- a quick checkpoint log, at a new place named in the language
    place = {"ar": "الحاجز الشمالي", "fr": "Barrière nord"}[code]
    tap(button(page, say("home.quick_log")))
    expect(_heading(page, say("quick.title"))).to_be_visible()
    fill(page, say("quick.new_place_hint"), place)
    tap(button(page, say("picker.create_place", name=place)))
    tap(chip(page, say.enum("outcome", "delayed")))
    shot(page, f"languages_{code}_quick_log")
    tap(button(page, say("quick.save")))
    expect(toast(page, say("quick.saved"))).to_be_visible()
    # -- a contact form, its date typed in the reader's digits
    tap(button(page, say("home.new_contact")))
    expect(_heading(page, say("contact.title_new"))).to_be_visible()
    fill(page, say("contact.on"), TYPED_DAY[code])
    fill(
        page,
        say("contact.interlocutor_role"),
        {"ar": "قائد الحاجز", "fr": "Chef"}[code],
    )
    tap(chip(page, place))
    _back_is_on_the_leading_side(page, say)
    shot(page, f"languages_{code}_contact")
    tap(button(page, say("action.save")))
    expect(toast(page, say("contact.saved"))).to_be_visible(timeout=15_000)
    # The day was taken as 9 March 2026 and is shown the language's way.
    shown_day = say.language.formats.day(dt.date(2026, 3, 9))
    expect(page.get_by_text(shown_day, exact=False).first).to_be_visible()
    shot(page, f"languages_{code}_contact_saved")
    tap(button(page, say("action.back")))
    # -- a guidance card, in the language
    _tab(page, say("nav.guide")).click()
    expect(_heading(page, say("guide.title"))).to_be_visible()
    card_title = {"ar": "الحوار المباشر", "fr": "Le dialogue direct"}[code]
    tap(page.get_by_role("button", name=re.compile("^" + re.escape(card_title))))
    expect(_heading(page, card_title)).to_be_visible()
    _back_is_on_the_leading_side(page, say)
    shot(page, f"languages_{code}_guide_card")
    tap(button(page, say("action.back")))
    # -- connect to the hub, then the sync screen
    _tab(page, say("nav.settings")).click()
    tap(button(page, say("hub.open")))
    fill(page, say("hub.address"), hub.url)
    fill(page, say("hub.code"), _code(hub))
    tap(button(page, say("hub.connect")))
    expect(page.get_by_text(say("hub.line_team", team="north"))).to_be_visible(
        timeout=15_000
    )
    tap(button(page, say("hub.open_sync")))
    expect(_heading(page, say("sync.title"))).to_be_visible()
    expect(button(page, say("sync.now"))).to_be_visible()
    settle(page)
    _back_is_on_the_leading_side(page, say)
    shot(page, f"languages_{code}_sync")
    # Home, with the sync badge and its chevron (pointing left in Arabic).
    tap(button(page, say("action.back")))  # the sync screen's parent is home
    expect(button(page, say("home.quick_log"))).to_be_visible()
    shot(page, f"languages_{code}_home_synced")


def test_arabic_reads_right_to_left_on_every_screen(
    tabs: Tabs, hub_proc: HubProcess
) -> None:
    _flow(tabs, hub_proc, "ar", "ar-SA")


def test_french_follows_the_same_flow(tabs: Tabs, hub_proc: HubProcess) -> None:
    _flow(tabs, hub_proc, "fr", "fr-FR")


def test_two_sessions_in_two_languages_each_keep_their_own(tabs: Tabs) -> None:
    ar, fr = Speaker("ar"), Speaker("fr")
    arabic = tabs.open(locale="ar-SA")
    fill(arabic, ar("create.passphrase"), PASSPHRASE)
    fill(arabic, ar("create.confirm"), PASSPHRASE)
    tap(button(arabic, ar("create.submit")))
    expect(button(arabic, ar("home.quick_log"))).to_be_visible(timeout=15_000)
    french = tabs.open(locale="fr-FR")
    expect(_heading(french, fr("unlock.title"))).to_be_visible(timeout=15_000)
    fill(french, fr("unlock.passphrase"), PASSPHRASE)
    tap(button(french, fr("unlock.submit")))
    expect(button(french, fr("home.quick_log"))).to_be_visible(timeout=15_000)
    # Each acts; neither changes the other's language.
    _tab(arabic, ar("nav.records")).click()
    _tab(french, fr("nav.guide")).click()
    expect(_heading(arabic, ar("records.title"))).to_be_visible()
    expect(_heading(french, fr("guide.title"))).to_be_visible()
    _assert_direction(arabic, ar)
    _assert_direction(french, fr)
    # The Arabic session switches to French in Settings: the French one is untouched,
    # and a third, English browser still starts in English.
    _tab(arabic, ar("nav.settings")).click()
    tap(chip(arabic, "Français"))
    expect(_heading(arabic, fr("settings.title"))).to_be_visible()
    _tab(french, fr("nav.home")).click()
    expect(button(french, fr("home.quick_log"))).to_be_visible()
    english = tabs.open()
    expect(_heading(english, "Unlock Parley")).to_be_visible(timeout=15_000)
    shot(arabic, "languages_two_sessions_switched")
    shot(french, "languages_two_sessions_french")
