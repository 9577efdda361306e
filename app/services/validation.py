"""Turn user input into models, and model errors into field codes without values."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import ValidationError

from app.errors import RecordNotFound, ValidationFailed
from app.services.digits import western_digits
from models.text import CONTROL_CODE, is_clean

__all__ = [
    "build",
    "check_clean",
    "optional_id",
    "parse_coord",
    "parse_date",
    "parse_datetime",
    "parse_id",
    "parse_minutes",
    "parse_seen",
    "require",
]

T = TypeVar("T")

# pydantic error type -> our message code. Codes are looked up in app.ui.messages.
_CODES = {
    "missing": "required",
    "string_too_short": "required",
    "string_too_long": "too_long",
    "greater_than_equal": "out_of_range",
    "less_than_equal": "out_of_range",
    "greater_than": "out_of_range",
    "less_than": "out_of_range",
    "enum": "bad_choice",
    "int_parsing": "not_a_number",
    "float_parsing": "not_a_number",
    CONTROL_CODE: CONTROL_CODE,
    "string_unicode": CONTROL_CODE,
}


def _code(error: Any) -> str:
    kind = str(error.get("type", ""))
    if kind.startswith(("date", "datetime")):
        return "bad_date"
    return _CODES.get(kind, "invalid")


def build(factory: Callable[..., T], /, **fields: Any) -> T:
    """Call ``factory(**fields)``; raise :class:`ValidationFailed` with codes on error.

    Pydantic messages quote the input, so they are dropped here: only the field
    name (first part of the location) and a code survive.
    """
    try:
        return factory(**fields)
    except ValidationError as exc:
        found: dict[str, str] = {}
        for error in exc.errors():
            loc = error.get("loc") or ("form",)
            found.setdefault(str(loc[0]), _code(error))
        raise ValidationFailed(found) from None


def check_clean(errors: dict[str, str], field: str, value: str) -> None:
    """Add a ``control_character`` error for ``field`` when ``value`` holds one.

    The rule is the one the models (and the hub) apply; forms call this for
    fields the model would report under another name (rows of a list).
    """
    if not is_clean(value):
        errors.setdefault(field, CONTROL_CODE)


def require(errors: dict[str, str], field: str, value: str) -> None:
    """Add a ``required`` error for ``field`` when ``value`` is blank."""
    if not value.strip():
        errors.setdefault(field, "required")


def parse_date(
    text: str, field: str, errors: dict[str, str], *, required: bool = False
) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (any digits); record ``bad_date`` or ``required``."""
    text = western_digits(text).strip()
    if not text:
        if required:
            errors.setdefault(field, "required")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.setdefault(field, "bad_date")
        return None


def parse_datetime(text: str, field: str, errors: dict[str, str]) -> dt.datetime | None:
    """Parse an ISO date and time (local time when no zone); record ``bad_date``."""
    text = western_digits(text).strip()
    if not text:
        errors.setdefault(field, "required")
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        errors.setdefault(field, "bad_date")
        return None
    return value if value.tzinfo else value.astimezone()


def parse_minutes(text: str, field: str, errors: dict[str, str]) -> int | None:
    """Parse a whole number of minutes (blank means unknown)."""
    text = western_digits(text).strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        errors.setdefault(field, "not_a_number")
        return None
    return int(text)


def parse_coord(text: str, field: str, errors: dict[str, str]) -> float | None:
    """Parse a decimal degree (blank means none)."""
    text = western_digits(text).strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        errors.setdefault(field, "not_a_number")
        return None


def parse_id(text: str) -> uuid.UUID:
    """Parse a record id that came back from a view.

    Raises:
        RecordNotFound: if ``text`` is not a record id.
    """
    try:
        return uuid.UUID(text)
    except (TypeError, ValueError):
        raise RecordNotFound() from None


def optional_id(text: str) -> uuid.UUID | None:
    """Parse an optional id (blank means none)."""
    return parse_id(text) if text.strip() else None


def parse_seen(text: str) -> list[uuid.UUID]:
    """Parse a form's ``seen`` field (comma-separated revision ids); skip junk."""
    out: list[uuid.UUID] = []
    for part in text.split(","):
        try:
            out.append(uuid.UUID(part.strip()))
        except ValueError:
            continue
    return out
