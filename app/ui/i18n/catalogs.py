"""Reading one language's ``.po`` catalog (Babel) against the English messages.

An entry is used only when it is a real translation of today's English: not
fuzzy, not empty, every plural form the language needs, no placeholder English
does not fill in. Anything else is reported in :attr:`Catalog.problems` (the
catalog test lists them) and the English text is shown meanwhile.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.pofile import read_po

from app.ui.i18n.entries import Entry, fields

__all__ = ["LOCALE_DIR", "Catalog", "po_path", "read_catalog"]

log = logging.getLogger("parley.ui")
#: ``<code>/LC_MESSAGES/messages.po`` for each language but English.
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


@dataclass(frozen=True, slots=True)
class Catalog:
    """The usable translations of one language and what is wrong with the rest."""

    code: str
    plural_forms: int
    plural: Callable[[int], int]
    strings: Mapping[str, tuple[str, ...]]
    problems: Mapping[str, str]


def po_path(code: str, root: Path = LOCALE_DIR) -> Path:
    """Where the catalog of ``code`` lives."""
    return root / code / "LC_MESSAGES" / "messages.po"


def read_catalog(code: str, english: Iterable[Entry], *, path: Path) -> Catalog:
    """The translations in ``path`` of the ``english`` messages (none, every
    message reported, when the file is missing or unreadable)."""
    try:
        with path.open("rb") as handle:
            po = read_po(handle, locale=code, ignore_obsolete=True)
    except (OSError, ValueError) as error:
        po = BabelCatalog(locale=code)
        kind = type(error).__name__
        log.error("catalog %s unreadable (%s); English shown", code, kind)
    plural = gettext.c2py(po.plural_expr)
    by_key = {str(m.context): m for m in po if m.id and m.context is not None}
    strings: dict[str, tuple[str, ...]] = {}
    problems: dict[str, str] = {}
    wanted: set[str] = set()
    for entry in english:
        wanted.add(entry.key)
        message = by_key.get(entry.key)
        if message is None:
            problems[entry.key] = "no translation"
            continue
        forms = _forms(message.string)
        why = _problem(entry, message.id, forms, message.fuzzy, po.num_plurals)
        if why:
            problems[entry.key] = why
        else:
            strings[entry.key] = forms
    for key in by_key.keys() - wanted:
        problems[key] = "not in the English catalog (remove it from the .po)"
    return Catalog(code, po.num_plurals, plural, strings, problems)


def _forms(string: object) -> tuple[str, ...]:
    if isinstance(string, (tuple, list)):
        return tuple(str(s) for s in string)
    return (str(string or ""),)


def _problem(
    entry: Entry, msgid: object, forms: tuple[str, ...], fuzzy: bool, needed: int
) -> str | None:
    english = (entry.text, entry.plural) if entry.plural else entry.text
    if (tuple(msgid) if isinstance(msgid, (tuple, list)) else msgid) != english:
        return f"out of date: the English is now {english!r}"
    if fuzzy:
        return "marked fuzzy (check it, then remove the fuzzy flag)"
    if entry.plural is not None and len(forms) != needed:
        return f"has {len(forms)} plural forms, the language needs {needed}"
    empty = [i for i, form in enumerate(forms) if not form.strip()]
    if empty and entry.plural is None:
        return "empty translation"
    if empty:
        named = ", ".join(f"msgstr[{i}]" for i in empty)
        return f"plural form {named} empty (the language needs {needed} forms)"
    allowed = fields(entry.text) | fields(entry.plural or "")
    for form in forms:
        unknown = fields(form) - allowed
        if unknown:
            return f"uses placeholders English does not fill: {sorted(unknown)}"
    return None
