"""The messages of the English catalog as gettext entries (key, English, plural)."""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = ["ENUM_PREFIX", "ONE", "Entry", "entries", "enum_key", "fields"]

#: A key ending so, next to the same key without it, is the count-of-one form.
ONE = "_one"
#: Closed-vocabulary labels are keyed ``enum.<group>.<value>``.
ENUM_PREFIX = "enum."


@dataclass(frozen=True, slots=True)
class Entry:
    """One message: its key (``msgctxt``) and English text (``msgid``).

    A message for a count also has its English plural (``msgid_plural``): then
    ``text`` is the form for one, ``plural`` the form for any other count.
    """

    key: str
    text: str
    plural: str | None = None


def enum_key(group: str, value: str) -> str:
    """The catalog key of one closed-vocabulary label."""
    return f"{ENUM_PREFIX}{group}.{value}"


def entries(
    *, text: Mapping[str, str], enums: Mapping[str, Mapping[str, str]]
) -> Iterator[Entry]:
    """Every message of a catalog written as ``TEXT`` and ``ENUMS`` dicts.

    ``key`` and ``key_one`` together make one message with plural forms.
    """
    for key, value in text.items():
        if key.endswith(ONE) and key[: -len(ONE)] in text:
            continue  # the singular of the message below
        one = text.get(key + ONE)
        if one is None:
            yield Entry(key, value)
        else:
            yield Entry(key, one, value)
    for group, labels in enums.items():
        for value, label in labels.items():
            yield Entry(enum_key(group, value), label)


def fields(template: str) -> set[str]:
    """The ``{name}`` placeholders a template fills in."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError:  # unbalanced braces: not a template we can fill
        return {"{"}
