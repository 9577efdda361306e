"""The languages Parley speaks, read once per process from their catalogs."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from app.ui import catalog_en
from app.ui.formats import Formats
from app.ui.i18n.catalogs import po_path, read_catalog
from app.ui.i18n.entries import entries
from app.ui.i18n.language import Language, language_from, translated

__all__ = ["ENGLISH", "FORMATS", "TRANSLATED", "all_languages", "best_match"]

ENGLISH = language_from(catalog_en)
#: Every language but English, each with a ``.po`` catalog.
TRANSLATED = ("fr", "ar")
#: Dates to the minute in 24-hour time, month names spelt out (no order to
#: misread); the forms still take year-month-day (``2026-03-09``).
FORMATS = {
    "fr": Formats(
        locale="fr",
        day_pattern="d MMM y",
        moment_pattern="d MMM y HH:mm",
        clock_pattern="HH:mm",
    ),
    "ar": Formats(
        locale="ar",
        day_pattern="d MMMM y",
        moment_pattern="d MMMM y، HH:mm",
        clock_pattern="HH:mm",
    ),
}


@cache
def all_languages() -> dict[str, Language]:
    """English and every translated language, by code (catalogs read once)."""
    english = list(entries(text=catalog_en.TEXT, enums=catalog_en.ENUMS))
    found = {ENGLISH.code: ENGLISH}
    for code in TRANSLATED:
        catalog = read_catalog(code, english, path=po_path(code))
        found[code] = translated(ENGLISH, catalog, formats=FORMATS.get(code))
    return found


def best_match(tags: Iterable[str | None]) -> Language:
    """The first language of ``tags`` (``"ar-SA"``, ``"fr_FR"``...) Parley
    speaks, else English."""
    languages = all_languages()
    for tag in tags:
        code = (tag or "").replace("_", "-").split("-")[0].strip().lower()
        if code in languages:
            return languages[code]
    return ENGLISH
