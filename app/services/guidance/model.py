"""Plain data for the guidance library: cards, languages, pack metadata, sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "ACTOR_SECTIONS",
    "CARD_ID_PREFIX",
    "PLAYBOOK_SECTIONS",
    "Card",
    "CardKind",
    "Language",
    "LocalizedCard",
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

    ``language`` is the code of the language the text is in. A translated card
    takes its kind, actor types, outcomes, links and order from the card in the
    pack's base language; its ``version`` is the version of that card it
    translates. ``keys`` name the sections in the base language (the fixed
    headings of method, approach and actor cards), in the order of ``sections``.
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
    language: str = "en"
    keys: tuple[str, ...] = ()

    def section(self, heading: str) -> str | None:
        """Return the Markdown of the section called ``heading``, or ``None``.

        ``heading`` is the heading as printed, or its base-language name
        (``"Practical steps"`` finds ``"Étapes pratiques"`` on a French card).
        """
        keys = self.keys or tuple(name for name, _ in self.sections)
        for (name, text), key in zip(self.sections, keys, strict=False):
            if heading in (name, key):
                return text
        return None

    @property
    def headings(self) -> tuple[str, ...]:
        """The section headings, in file order."""
        return tuple(name for name, _ in self.sections)


@dataclass(frozen=True, slots=True)
class LocalizedCard:
    """A card as read in one language, and whether it had to fall back.

    ``card`` is the text to show. ``language`` is the language asked for. When the
    pack has no current translation into it, ``card`` is the base-language card,
    ``fallback`` is true and ``reason`` says why: ``"missing"`` (never translated)
    or ``"outdated"`` (the translation follows an older version of the card).
    """

    card: Card
    language: str
    fallback: bool = False
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Language:
    """One language of a pack, from its ``<code>/language.toml``.

    ``code`` is the folder name (``"fr"``), ``name`` the language's own name
    (``"Français"``), ``direction`` ``"ltr"`` or ``"rtl"``. The other fields hold
    this language's texts: the library headings, the fixed section headings
    (base-language heading to this one), the picker's questions, option labels
    (question, then option id) and reasons (base-language text to this one). A text
    missing here is shown in the base language.
    """

    code: str
    name: str
    direction: str
    kind_labels: dict[CardKind, str] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)
    prompts: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.direction == "rtl"

    def heading(self, base: str) -> str:
        """This language's heading for the base-language heading ``base``."""
        return self.headings.get(base, base)


@dataclass(frozen=True, slots=True)
class PackInfo:
    """The identity of a content pack, from its ``pack.toml``.

    ``language`` is the base language (the first of ``languages``): it has every
    card, and the others fall back to it. ``kind_labels`` are its headings.
    """

    id: str
    language: str
    version: int
    published: str
    kind_labels: dict[CardKind, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a pack: a stable ``reason`` code and the file or card."""

    reason: str
    where: str

    def __str__(self) -> str:
        return f"{self.reason} at {self.where}"
