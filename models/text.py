"""Constrained text shared by the phone's forms and the hub (one rule, both sides).

Every free-text field of a record is one of these types. Control characters
other than tab and newline are refused (NUL breaks PostgreSQL text columns, and
escape or bidi-reset bytes have no place in a field note), and so are lone
surrogates, which no database can store as UTF-8. Limits are named here once.

The validation error type is :data:`CONTROL_CODE`; its message never quotes the
input, so it can reach a log.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "CONTROL_CODE",
    "NAME_MAX",
    "TEAM_MAX",
    "TEXT_MAX",
    "LongText",
    "Name",
    "ShortText",
    "Team",
    "check_text",
    "first_control",
    "is_clean",
]

NAME_MAX = 200
TEXT_MAX = 4000
TEAM_MAX = 64
CONTROL_CODE = "control_character"

# C0 controls but tab (09) and newline (0a), DEL, C1 controls, lone surrogates.
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def first_control(text: str) -> int | None:
    """Index of the first refused character in ``text``, or ``None``."""
    found = _REFUSED.search(text)
    return found.start() if found else None


def is_clean(text: str) -> bool:
    """True when ``text`` holds no refused character."""
    return _REFUSED.search(text) is None


def check_text(text: str) -> str:
    """Return ``text`` unchanged, or raise the shared validation error.

    Raises:
        PydanticCustomError: ``control_character`` (inside pydantic validation it
            becomes a ``ValidationError`` whose type is that code).
    """
    where = first_control(text)
    if where is not None:
        raise PydanticCustomError(
            CONTROL_CODE,
            "control character at position {position}",
            {"position": where},
        )
    return text


_Clean = AfterValidator(check_text)

# A name, a title, an alias, an area: one line of at most NAME_MAX characters.
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), _Clean]
# An optional short field (may be empty).
ShortText = Annotated[str, Field(max_length=NAME_MAX), _Clean]
# Notes, asks, outcomes: at most TEXT_MAX characters, newlines allowed.
LongText = Annotated[str, Field(max_length=TEXT_MAX), _Clean]
# A team name as the hub's certificates carry it ("" before enrollment).
Team = Annotated[str, Field(max_length=TEAM_MAX), _Clean]
