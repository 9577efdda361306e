"""Plain data for the guidance library: cards, pack metadata, section names."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "ACTOR_SECTIONS",
    "CARD_ID_PREFIX",
    "PLAYBOOK_SECTIONS",
    "Card",
    "CardKind",
    "PackInfo",
    "Problem",
    "required_sections",
]


class CardKind(StrEnum):
    """What a card is about. The values are the ``kind`` field of a card file."""

    METHOD = "method"
    APPROACH = "approach"
    FOUNDATION = "foundation"
    ACTOR = "actor"


# A card id is ``<prefix><slug>``; methods, approaches and actors use the enum value.
CARD_ID_PREFIX: dict[CardKind, str] = {
    CardKind.METHOD: "method-",
    CardKind.APPROACH: "approach-",
    CardKind.FOUNDATION: "basics-",
    CardKind.ACTOR: "actor-",
}

# Every method and approach card has exactly these sections, in this order.
PLAYBOOK_SECTIONS: tuple[str, ...] = (
    "What it is",
    "When it fits",
    "Who is best placed",
    "Risks and how to reduce them",
    "Practical steps",
    "Signs it is working",
)

# Every armed actor card has exactly these sections, in this order.
ACTOR_SECTIONS: tuple[str, ...] = (
    "Who they are",
    "What moves them",
    "How to engage",
    "Watch out for",
)


def required_sections(kind: CardKind) -> tuple[str, ...]:
    """Return the fixed section headings a card of ``kind`` must have (may be empty)."""
    if kind in (CardKind.METHOD, CardKind.APPROACH):
        return PLAYBOOK_SECTIONS
    if kind is CardKind.ACTOR:
        return ACTOR_SECTIONS
    return ()


@dataclass(frozen=True, slots=True)
class Card:
    """One guidance card, parsed from its Markdown file.

    ``body`` is the Markdown after the front matter. ``lead`` is the text before the
    first ``## `` heading; ``sections`` maps each heading to its Markdown text, in file
    order. ``related`` holds card ids the UI shows as links.
    """

    id: str
    title: str
    kind: CardKind
    summary: str
    tags: tuple[str, ...]
    actor_types: tuple[str, ...]
    outcomes: tuple[str, ...]
    related: tuple[str, ...]
    version: int
    body: str
    lead: str = ""
    sections: tuple[tuple[str, str], ...] = ()
    order: int = 1000

    def section(self, heading: str) -> str | None:
        """Return the Markdown of the section called ``heading``, or ``None``."""
        for name, text in self.sections:
            if name == heading:
                return text
        return None

    @property
    def headings(self) -> tuple[str, ...]:
        """The section headings, in file order."""
        return tuple(name for name, _ in self.sections)


@dataclass(frozen=True, slots=True)
class PackInfo:
    """The identity of a content pack, from its ``pack.toml``."""

    id: str
    language: str
    version: int
    published: str
    kind_labels: dict[CardKind, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a pack: a stable ``reason`` code and the file or card."""

    reason: str
    where: str

    def __str__(self) -> str:
        return f"{self.reason} at {self.where}"
