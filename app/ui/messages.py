"""The one place text reaches the user: catalog look-ups and error descriptions.

Views never hard-code strings: they call :func:`t` with a key, :func:`enum_label`
for a closed vocabulary, :func:`field_error` for a validation code, :func:`say`
for what the registry of record types describes and :func:`describe` for an
:class:`~app.errors.AppError`; dates and numbers go through :func:`formats`.

Each session (each browser tab) has its own :class:`Language`, set by the shell
with :func:`use_language`; look-ups read the language of the session whose
event is being handled, so one tab switching language leaves the others alone.
Another language is another catalog module with the same keys (see
``catalog_en.py``), listed in :data:`CATALOGS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import flet as ft

from app.errors import AppError, AuthRequired, Rejected, WrongPassphrase
from app.services import Cards, Day, Label, Labels, Moment, Text, Value
from app.ui import catalog_en
from app.ui.formats import Formats

__all__ = [
    "CATALOGS",
    "ENGLISH",
    "LANGUAGES",
    "CardTitles",
    "Language",
    "current",
    "describe",
    "describe_code",
    "enum_label",
    "field_error",
    "formats",
    "has",
    "language_from",
    "say",
    "show_value",
    "t",
    "tn",
    "use_language",
]

CardTitles = Callable[[list[str]], list[str]]


@dataclass(frozen=True)
class Language:
    """One language of the UI: its catalog, its formats, its direction."""

    code: str
    name: str
    text: Mapping[str, str]
    enums: Mapping[str, Mapping[str, str]]
    formats: Formats
    rtl: bool = False


def language_from(module: ModuleType) -> Language:
    """The :class:`Language` a catalog module describes.

    A catalog module holds ``CODE`` (``"fr"``), ``NAME`` (in its own language),
    ``TEXT`` and ``ENUMS``, and optionally ``RTL`` and ``FORMATS`` (a
    :class:`Formats`; by default the locale's own CLDR formats).
    """
    code = str(module.CODE)
    return Language(
        code=code,
        name=str(module.NAME),
        text=module.TEXT,
        enums=module.ENUMS,
        formats=getattr(module, "FORMATS", None) or Formats(locale=code),
        rtl=bool(getattr(module, "RTL", False)),
    )


#: Every catalog of the app, the first one the default.
CATALOGS: tuple[ModuleType, ...] = (catalog_en,)
LANGUAGES: dict[str, Language] = {
    lang.code: lang for lang in (language_from(m) for m in CATALOGS)
}
ENGLISH = LANGUAGES["en"]
_SESSION_KEY = "parley.language"


def use_language(page: ft.Page, language: Language | None) -> Language:
    """Make ``language`` (default: the first catalog's) the language of the
    session that owns ``page``; returns it."""
    chosen = language or ENGLISH
    page.session.store.set(_SESSION_KEY, chosen)
    return chosen


def current() -> Language:
    """The language of the session whose event is being handled (else English)."""
    try:
        page = ft.context.page
    except RuntimeError:  # outside any session (tools, tests of plain text)
        return ENGLISH
    try:
        found = page.session.store.get(_SESSION_KEY)
    except RuntimeError:  # the session is gone
        return ENGLISH
    return found if isinstance(found, Language) else ENGLISH


def formats() -> Formats:
    """How dates and numbers are written in the current session's language."""
    return current().formats


def has(key: str) -> bool:
    """True when the catalog knows ``key``."""
    return key in current().text


def t(key: str, **values: Any) -> str:
    """The text for ``key`` with ``values`` filled in (the key itself if missing)."""
    template = current().text.get(key, key)
    return template.format(**values) if values else template


def tn(key: str, count: int, **values: Any) -> str:
    """Like :func:`t` for a count: ``key + "_one"`` when ``count`` is 1 and known."""
    chosen = f"{key}_one" if count == 1 and has(f"{key}_one") else key
    return t(chosen, count=count, **values)


def enum_label(group: str, value: str | None) -> str:
    """Display label of a closed-vocabulary value (``""`` for none)."""
    if not value:
        return ""
    return current().enums.get(group, {}).get(value, value)


def show_value(value: Value, *, cards: CardTitles | None = None) -> str:
    """One described value in words: labels translated, dates formatted."""
    if value is None:
        return ""
    if isinstance(value, Label):
        return enum_label(value.group, value.value)
    if isinstance(value, Labels):
        return ", ".join(enum_label(value.group, v) for v in value.values)
    if isinstance(value, Cards):
        return ", ".join(cards(list(value.ids))) if cards else ""
    if isinstance(value, Moment):
        return formats().moment(value.at)
    if isinstance(value, Day):
        return formats().day(value.on)
    return str(value)


def say(text: Text) -> str:
    """A described line (catalog key and values) in words."""
    return t(text.key, **{k: show_value(v) for k, v in text.values.items()})


def field_error(code: str | None) -> str | None:
    """The message shown under a field for a validation code."""
    if not code:
        return None
    key = f"field.{code}"
    return t(key) if has(key) else t("field.invalid")


def describe(error: AppError) -> str:
    """Plain words for an error, with what the user can do about it."""
    if isinstance(error, WrongPassphrase) and error.remaining is not None:
        if error.remaining == 0:
            return t("unlock.wiped")
        return t("unlock.wrong_left", left=error.remaining)
    if isinstance(error, Rejected):
        return t("err.rejected", status=error.status)
    if isinstance(error, AuthRequired) and has(f"err.auth.{error.detail}"):
        return t(f"err.auth.{error.detail}")
    for cls in type(error).__mro__:
        code = getattr(cls, "code", None)
        if isinstance(code, str) and has(f"err.{code}"):
            return t(f"err.{code}")
    return t("err.app_error")


def describe_code(code: str) -> str:
    """Plain words for an error known only by its code (a sync status's failure)."""
    for key in (f"sync.fail.{code}", f"err.{code}"):
        if has(key):
            return t(key)
    return t("err.sync_error")
