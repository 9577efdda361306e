"""The one place text reaches the user: catalog look-ups and error descriptions.

Views never hard-code strings: they call :func:`t` with a key, :func:`enum_label`
for a closed vocabulary, :func:`field_error` for a validation code and
:func:`describe` for an :class:`~app.errors.AppError`. Another language is another
catalog module with the same keys, chosen with :func:`use_catalog`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.errors import AppError, AuthRequired, Rejected, WrongPassphrase
from app.ui import catalog_en

__all__ = [
    "describe",
    "describe_code",
    "enum_label",
    "field_error",
    "has",
    "t",
    "tn",
    "use_catalog",
]

_text: Mapping[str, str] = catalog_en.TEXT
_enums: Mapping[str, Mapping[str, str]] = catalog_en.ENUMS


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
