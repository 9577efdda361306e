"""The one place text reaches the user: catalog look-ups and error descriptions.

Views never hard-code strings: they call :func:`t` with a key, :func:`enum_label`
for a closed vocabulary, :func:`field_error` for a validation code and
:func:`describe` for an :class:`~app.errors.AppError`. Another language is another
catalog module with the same keys, chosen with :func:`use_catalog`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.errors import AppError, AuthRequired, Rejected, WrongPassphrase
from app.services import Cards, Day, Label, Labels, Moment, Text, Value
from app.ui import catalog_en
from app.ui.formats import ENGLISH, Formats

__all__ = [
    "describe",
    "describe_code",
    "enum_label",
    "field_error",
    "has",
    "say",
    "show_value",
    "t",
    "tn",
    "use_catalog",
]

_text: Mapping[str, str] = catalog_en.TEXT
_enums: Mapping[str, Mapping[str, str]] = catalog_en.ENUMS
_formats: Formats = ENGLISH
CardTitles = Callable[[list[str]], list[str]]


def use_catalog(
    text: Mapping[str, str], enums: Mapping[str, Mapping[str, str]]
) -> None:
    """Switch language: later look-ups read these tables."""
    global _text, _enums
    _text, _enums = text, enums


def has(key: str) -> bool:
    """True when the catalog knows ``key``."""
    return key in _text


def t(key: str, **values: Any) -> str:
    """The text for ``key`` with ``values`` filled in (the key itself if missing)."""
    template = _text.get(key, key)
    return template.format(**values) if values else template


def tn(key: str, count: int, **values: Any) -> str:
    """Like :func:`t` for a count: ``key + "_one"`` when ``count`` is 1 and known."""
    chosen = f"{key}_one" if count == 1 and has(f"{key}_one") else key
    return t(chosen, count=count, **values)


def enum_label(group: str, value: str | None) -> str:
    """Display label of a closed-vocabulary value (``""`` for none)."""
    if not value:
        return ""
    return _enums.get(group, {}).get(value, value)


def formats() -> Formats:
    """How dates and numbers are written in the current language."""
    return _formats


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
        return _formats.moment(value.at)
    if isinstance(value, Day):
        return _formats.day(value.on)
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
