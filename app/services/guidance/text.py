"""Text folding and tokens shared by search and the seed-overlap check."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

__all__ = ["fold", "plain_text", "spans", "words"]

# Letters NFKD does not split into base + mark, folded by hand.
_EXTRA = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
    }
)
# A word: letters or digits, with any combining marks that decorate them.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def fold(text: str) -> str:
    """Fold ``text`` for matching: no accents, no case (NFKD, strip marks, casefold).

    ``"Démarche"``, ``"demarche"`` and ``"dèmarche"`` all fold to ``"demarche"``.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold()


def spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(folded word, start, end)`` for each word of ``text``.

    Offsets point into ``text`` itself, so a snippet can mark the original words.
    """
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():  # the common case: folding is just lower case
            yield word.lower(), match.start(), match.end()
            continue
        for part in _WORD.findall(fold(word)):
            yield part, match.start(), match.end()


def words(text: str) -> list[str]:
    """Return the folded words of ``text``, punctuation dropped."""
    return _WORD.findall(fold(text))


def plain_text(markdown: str) -> str:
    """Turn card Markdown into one line of readable text for snippets.

    Headings end with a colon, list marks, emphasis and link targets go.
    """
    parts = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = line.startswith("#")
        line = _LIST_MARK.sub("", line.lstrip("#").strip() if heading else line)
        line = _EMPHASIS.sub("", _LINK.sub(r"\1", line)).strip()
        if heading and line:
            line += ":"
        if line:
            parts.append(line)
    return " ".join(parts)
