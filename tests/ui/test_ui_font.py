"""The bundled font draws every character the app shows (acceptance 2), offline."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from app.ui import catalog_en
from app.ui.i18n.catalogs import po_path
from app.ui.i18n.languages import TRANSLATED
from app.ui.theme import FONT_FILE

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "assets"
FONT = ASSETS / FONT_FILE
PACK = ASSETS / "guidance" / "pack"
# Not drawn: controls, format marks (RLM, ZWJ...) and spaces.
UNDRAWN = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _catalog_text() -> dict[str, set[str]]:
    found = {"en": set("".join(catalog_en.TEXT.values()))}
    for labels in catalog_en.ENUMS.values():
        found["en"] |= set("".join(labels.values()))
    for code in TRANSLATED:
        with po_path(code).open("rb") as handle:
            po = read_po(handle, locale=code)
        chars: set[str] = set()
        for message in po:
            forms = message.string
            for form in forms if isinstance(forms, tuple | list) else [forms]:
                chars |= set(form or "")
        found[code] = chars
    return found


def _card_text() -> set[str]:
    chars: set[str] = set()
    for path in PACK.rglob("*"):
        if path.suffix in (".md", ".toml"):
            chars |= set(path.read_text("utf-8"))
    return chars


def _missing(chars: set[str]) -> list[str]:
    cmap = TTFont(FONT).getBestCmap()
    return sorted(
        f"U+{ord(c):04X} {unicodedata.name(c, '?')}"
        for c in chars
        if ord(c) not in cmap and unicodedata.category(c) not in UNDRAWN
    )


@pytest.mark.parametrize("code", ["en", *TRANSLATED])
def test_the_font_has_every_character_of_the_catalogs(code: str) -> None:
    assert _missing(_catalog_text()[code]) == []


def test_the_font_has_every_character_of_the_guidance_cards() -> None:
    chars = _card_text()
    assert any("\u0600" <= c <= "\u06ff" for c in chars), "no Arabic cards found"
    assert _missing(chars) == []


def test_the_font_covers_arabic_digits_and_vowel_marks() -> None:
    typed = set("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬،؛؟") | {chr(c) for c in range(0x064B, 0x0653)}
    assert _missing(typed) == []


def test_the_font_is_bundled_under_the_ofl_and_nothing_is_fetched() -> None:
    font = TTFont(FONT)
    assert font["name"].getDebugName(1) == "Parley Sans"
    scripts = {r.ScriptTag for r in font["GSUB"].table.ScriptList.ScriptRecord}
    assert {"arab", "latn"} <= scripts  # Arabic joins and shapes
    licence = (FONT.parent / "OFL.txt").read_text("utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    page = (ASSETS / "index.html").read_text("utf-8")
    assert "font-src 'self'" in page  # the CSP lets no font come from elsewhere
