"""One language of the UI: its text, labels, plural rule, formats and direction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType

from babel import Locale

from app.ui.formats import Formats
from app.ui.i18n.catalogs import Catalog
from app.ui.i18n.entries import ENUM_PREFIX, ONE, entries

__all__ = ["Language", "english_plural", "language_from", "translated"]


def english_plural(count: int) -> int:
    """English plural form index: 0 for one, 1 for any other count."""
    return 0 if count == 1 else 1


@dataclass(frozen=True)
class Language:
    """One language of the UI: its catalog, its formats, its direction.

    ``plurals`` holds, for each message about a count, its forms in the order
    ``plural(count)`` indexes (gettext's, from the CLDR rule of the language).
    """

    code: str
    name: str
    text: Mapping[str, str]
    enums: Mapping[str, Mapping[str, str]]
    formats: Formats
    rtl: bool = False
    plurals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    plural: Callable[[int], int] = english_plural


def language_from(module: ModuleType) -> Language:
    """The :class:`Language` a catalog module (``catalog_en.py``) describes.

    It holds ``CODE`` (``"en"``), ``NAME`` (in its own language), ``TEXT`` and
    ``ENUMS``, and optionally ``RTL`` and ``FORMATS`` (a :class:`Formats`; by
    default the locale's own CLDR formats).
    """
    code = str(module.CODE)
    plurals = {
        e.key: (e.text, e.plural)
        for e in entries(text=module.TEXT, enums=module.ENUMS)
        if e.plural is not None
    }
    return Language(
        code=code,
        name=str(module.NAME),
        text=module.TEXT,
        enums=module.ENUMS,
        formats=getattr(module, "FORMATS", None) or Formats(locale=code),
        rtl=bool(getattr(module, "RTL", False)),
        plurals=plurals,
    )


def translated(
    english: Language, catalog: Catalog, *, formats: Formats | None = None
) -> Language:
    """``english`` with every usable translation of ``catalog`` put in.

    What the catalog lacks stays English (a count's message then keeps English's
    forms and rule: it is left out of ``plurals``). The name is the catalog's own
    ``language.name``; the direction comes from CLDR.
    """
    text = dict(english.text)
    enums = {group: dict(labels) for group, labels in english.enums.items()}
    plurals: dict[str, tuple[str, ...]] = {}
    for key, forms in catalog.strings.items():
        if key.startswith(ENUM_PREFIX):
            group, _, value = key[len(ENUM_PREFIX) :].partition(".")
            enums.setdefault(group, {})[value] = forms[0]
        elif key in english.plurals:
            plurals[key] = forms
            text[key] = forms[-1]
            text[key + ONE] = forms[min(catalog.plural(1), len(forms) - 1)]
        else:
            text[key] = forms[0]
    locale = Locale.parse(catalog.code)
    return Language(
        code=catalog.code,
        name=text.get("language.name", catalog.code),
        text=text,
        enums=enums,
        formats=formats or Formats(locale=catalog.code),
        rtl=locale.character_order == "right-to-left",
        plurals=plurals,
        plural=catalog.plural,
    )
