"""The one place text reaches the user: catalog look-ups and error descriptions.

Views never hard-code strings: they call :func:`t` with a key, :func:`enum_label`
for a closed vocabulary, :func:`field_error` for a validation code, :func:`say`
for what the registry of record types describes and :func:`describe` for an
:class:`~app.errors.AppError`; dates and numbers go through :func:`formats`.

Each session (each browser tab) has its own :class:`Language`, set by the shell
with :func:`use_language`; look-ups read the language of the session whose
event is being handled, so one tab switching language leaves the others alone.
English is ``catalog_en.py``; every other language is a gettext ``.po``
catalog of the same keys (:mod:`app.ui.i18n`), with the plural forms its
language needs. Numbers filled into a message are written the language's way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any

import flet as ft

from app.errors import (
    AppError,
    AuthRequired,
    NotAllowed,
    Rejected,
    WrongPassphrase,
)
from app.services import Cards, Day, Label, Labels, Lines, Moment, Text, Value
from app.ui import catalog_en
from app.ui.formats import Formats
from app.ui.i18n.language import Language, language_from
from app.ui.i18n.languages import ENGLISH, all_languages, best_match

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
    "best_match",
    "language_from",
    "say",
    "show_value",
    "t",
    "tn",
    "use_language",
]

CardTitles = Callable[[list[str]], list[str]]

#: The English catalog module (the source the ``.po`` catalogs translate).
CATALOGS: tuple[ModuleType, ...] = (catalog_en,)
#: Every language of the app by code, English first (``.po`` catalogs read once).
LANGUAGES: dict[str, Language] = all_languages()
_SESSION_KEY = "parley.language"
log = logging.getLogger("parley.ui")


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
    """The text for ``key`` with ``values`` filled in (the key itself if missing).

    Whole numbers among ``values`` are written the language's way.
    """
    return _fill(key, current().text.get(key), values)


def tn(key: str, count: int, **values: Any) -> str:
    """The text for ``key`` about ``count`` things, in the plural form the
    language's CLDR rule picks for it (``{count}`` is filled in too)."""
    language = current()
    forms = language.plurals.get(key)
    rule = language.plural
    if forms is None:  # not translated: English's forms and rule
        forms, rule = ENGLISH.plurals.get(key), ENGLISH.plural
    if forms is None:
        return t(key, count=count, **values)
    template = forms[min(max(rule(abs(count)), 0), len(forms) - 1)]
    return _fill(key, template, {"count": count, **values})


def _fill(key: str, template: str | None, values: dict[str, Any]) -> str:
    if template is None:
        template = ENGLISH.text.get(key, key)
    if not values:
        return template
    fmt = current().formats
    shown = {
        k: fmt.number(v) if isinstance(v, int) and not isinstance(v, bool) else v
        for k, v in values.items()
    }
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):  # a broken translation: use English
        log.warning("message %s does not fill in; English used", key)
        english = ENGLISH.text.get(key, key)
        try:
            return english.format(**shown)
        except (KeyError, IndexError, ValueError):
            return english


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
    if isinstance(value, Lines):
        return "\n".join(say(item) for item in value.items)
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
        return tn("unlock.wrong_left", error.remaining)
    if isinstance(error, Rejected):
        return t("err.rejected", status=error.status)
    if isinstance(error, NotAllowed) and has(f"refusal.{error.reason}"):
        return t(f"refusal.{error.reason}")
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
