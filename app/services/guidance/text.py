"""Text folding and tokens shared by search and the seed-overlap check.

Folding makes what a reader types match what a card says, whatever the script:

- Latin: no case, no accents (``"Démarche"``, ``"demarche"`` and ``"dèmarche"`` are
  one word), and letters such as ``ø`` or ``œ`` spelled out.
- Arabic: no short vowels or other marks (tashkeel), no tatweel (``ـ``), every alef
  (``أ إ آ ٱ``) as a bare ``ا``, alef maqsura as ``ي``, teh marbuta as ``ه``,
  Persian yeh and keheh as their Arabic letters, and Arabic-Indic digits as ``0-9``.

A word is a run of letters and digits together with the marks that decorate them,
so a vowelled Arabic word stays one word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

__all__ = ["fold", "plain_text", "spans", "words"]

# Letters NFKD does not split into base + mark, folded by hand; None drops one.
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
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0672": "\u0627",  # alef with wavy hamza above
        "\u0673": "\u0627",  # alef with wavy hamza below
        "\u0675": "\u0627",  # high hamza alef
        "\u0649": "\u064a",  # alef maqsura -> yeh
        "\u06cc": "\u064a",  # Persian yeh -> yeh
        "\u06d2": "\u064a",  # yeh barree -> yeh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above -> heh
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0640": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic
    }
)
# Combining marks that stay inside a word: Latin accents, Cyrillic, Hebrew points,
# Arabic tashkeel, Quranic marks and superscript alef, the general combining
# blocks, and the zero-width joiners.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff\u1ab0-\u1aff"
    "\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe20-\ufe2f"
)
# A word: letters or digits, with any marks that decorate them.
_WORD = re.compile(rf"(?:[^\W_]|[{_MARKS}])+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def fold(text: str) -> str:
    """Fold ``text`` for matching: no case, no accents or vowel marks, one spelling.

    ``"Démarche"``, ``"demarche"`` and ``"dèmarche"`` all fold to ``"demarche"``;
    ``"الْحِوَارُ"``, ``"الحـوار"`` and ``"الحوار"`` all fold to ``"الحوار"``;
    ``"إلى"`` folds to ``"الي"``.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # A mark NFKD left behind (the Arabic ones it does not compose) goes too.
    return bare.translate(_EXTRA).casefold()


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
