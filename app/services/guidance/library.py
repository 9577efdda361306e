"""The guidance library a screen talks to: list, read, relate, search and pick."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from app.services.guidance.model import Card, CardKind, PackInfo
from app.services.guidance.pack import Pack, load_pack
from app.services.guidance.picker import PickResult, Question, Situation, rank
from app.services.guidance.search import Hit, SearchIndex
from models.enums import ActorType, Approach, Method

__all__ = ["GuidanceLibrary", "bundled_pack_dir"]

_ASSETS = Path(__file__).resolve().parents[3] / "assets" / "guidance"


def bundled_pack_dir(language: str = "en") -> Path:
    """Return the directory of the pack shipped with the app for ``language``."""
    return _ASSETS / language


class GuidanceLibrary:
    """Read-only access to one loaded pack. Cheap to query, built once per pack."""

    def __init__(self, pack: Pack) -> None:
        """Index ``pack`` for search (a few milliseconds)."""
        self._pack = pack
        self._by_id = {card.id: card for card in pack.cards}
        self._index = SearchIndex(pack.cards)

    @classmethod
    def bundled(cls, language: str = "en") -> GuidanceLibrary:
        """Load the pack shipped with the app (tests, previews, first start).

        Raises:
            ContentError: the bundled pack is broken.
        """
        return cls(load_pack(bundled_pack_dir(language)))

    @property
    def info(self) -> PackInfo:
        """The pack's id, language, version and publication date."""
        return self._pack.info

    def kinds(self) -> list[tuple[CardKind, str]]:
        """The card kinds in library order, each with its heading from the pack."""
        order = (
            CardKind.FOUNDATION,
            CardKind.METHOD,
            CardKind.APPROACH,
            CardKind.ACTOR,
        )
        return [(kind, self._pack.info.kind_labels[kind]) for kind in order]

    def cards(
        self, kind: CardKind | None = None, *, actor_type: ActorType | None = None
    ) -> list[Card]:
        """Return cards in library order, optionally of one ``kind``.

        Args:
            kind: only cards of this kind.
            actor_type: only cards that concern this armed actor type (foundation
                cards with an empty ``actor_types`` concern every type).
        """
        return [
            card
            for card in self._pack.cards
            if (kind is None or card.kind is kind)
            and (actor_type is None or _concerns(card, actor_type))
        ]

    def card(self, card_id: str) -> Card | None:
        """Return the card with ``card_id``, or ``None`` if this pack lacks it."""
        return self._by_id.get(card_id)

    def related(self, card_id: str) -> list[Card]:
        """Return the cards ``card_id`` links to, in its front-matter order."""
        card = self._by_id.get(card_id)
        return [] if card is None else self.cards_for(card.related)

    def cards_for(self, card_ids: Iterable[str]) -> list[Card]:
        """Return the cards for ``card_ids`` in that order, skipping unknown ids.

        Use it for bookmarks, recently read and a contact's consulted cards.
        """
        return [self._by_id[i] for i in card_ids if i in self._by_id]

    def ids(self) -> set[str]:
        """Every card id in the pack."""
        return set(self._by_id)

    def method_card(self, method: Method) -> Card:
        """The card for a contact's method chip (the pack always has it)."""
        return self._by_id[f"method-{method.value}"]

    def approach_card(self, approach: Approach) -> Card:
        """The card for a contact's approach chip (the pack always has it)."""
        return self._by_id[f"approach-{approach.value}"]

    def actor_card(self, actor_type: ActorType) -> Card:
        """The card for an armed actor type (the pack always has it)."""
        return self._by_id[f"actor-{actor_type.value}"]

    def search(self, query: str, *, limit: int = 20) -> list[Hit]:
        """Search titles, summaries, tags and text; see ``SearchIndex.search``."""
        return self._index.search(query, limit=limit)

    def questions(self) -> tuple[Question, ...]:
        """The picker's questions with their options, in the order to ask them."""
        return self._pack.rules.questions

    def pick(self, situation: Situation) -> PickResult:
        """Rank methods and approaches for ``situation``, with reasons.

        Raises:
            ValidationFailed: an answer is not one of its question's options.
        """
        return rank(self._pack.rules, self._pack.cards, situation)


def _concerns(card: Card, actor_type: ActorType) -> bool:
    if not card.actor_types:
        return card.kind is CardKind.FOUNDATION
    return actor_type.value in card.actor_types
