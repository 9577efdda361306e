"""What the read model answers with: list rows, pickable names, filters, pages."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from app.readmodel.kinds import Text

__all__ = ["Option", "RecordFilter", "RecordRow", "RowPage", "fold"]


@dataclass(frozen=True, slots=True)
class Option:
    """A pickable record: its id, its name and the other names it goes by."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()

    def matches(self, needle: str) -> bool:
        """True when ``needle`` (case-folded) is part of the name or an alias."""
        return any(needle in n.casefold() for n in (self.name, *self.aliases))

    def called(self, name: str) -> bool:
        """True when ``name`` is exactly the name or an alias, in any case."""
        folded = name.strip().casefold()
        return any(folded == n.casefold() for n in (self.name, *self.aliases))


@dataclass(frozen=True, slots=True)
class RecordRow:
    """What a list shows for one record. Display text is the view's job.

    ``title`` is the registry's description of its list line; ``status`` the
    record's lifecycle value; ``flag`` a marker name (``draft``, ``planned``).
    """

    id: uuid.UUID
    kind: str
    when: dt.datetime
    title: Text
    status: str = ""
    flag: str = ""
    icon: str = "DESCRIPTION"
    precise: bool = False
    team: str = ""
    actor_id: uuid.UUID | None = None
    actor_name: str = ""
    place_name: str = ""
    incomplete: bool = False
    pending: bool = False
    conflict: bool = False
    #: only a stub is left here (retention purged it); the hub keeps the record
    purged: bool = False


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """What the records list shows. Empty values mean "any"."""

    kinds: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    actor_id: str = ""
    team: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""
    pending: bool = False
    conflict: bool = False

    def words(self) -> list[str]:
        """The search words, folded as the index is."""
        return fold(self.text).split()

    def without_text(self) -> RecordFilter:
        """The same filter, ignoring the search words."""
        return RecordFilter(
            kinds=self.kinds,
            statuses=self.statuses,
            actor_id=self.actor_id,
            team=self.team,
            date_from=self.date_from,
            date_to=self.date_to,
            pending=self.pending,
            conflict=self.conflict,
        )


@dataclass(frozen=True, slots=True)
class RowPage:
    """The first rows of a list, and how many there are in all."""

    rows: list[RecordRow] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        """Rows matching but not in this page."""
        return self.total - len(self.rows)


# Combining marks (Latin accents, Hebrew points, Arabic harakat) and the Arabic
# tatweel: typed or not, the word is the same.
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u0640"
    "\u064b-\u065f\u0670\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u20d0-\u20ff\ufe20-\ufe2f]"
)


def fold(text: str) -> str:
    """Text as the search compares it: any case, accents and Arabic marks ignored."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
