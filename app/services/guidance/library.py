"""The guidance library a screen talks to: list, read, relate, search and pick.

A library reads one pack in one language. ``GuidanceLibrary(pack)`` reads the
pack's base language; ``library.in_language("ar")`` gives the same pack read in
Arabic, built once and shared. Every card a library returns is in its language
when the pack has a current translation, and in the base language otherwise;
:meth:`GuidanceLibrary.localized` says which, so a screen can show a note.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from pathlib import Path

from app.services.guidance.model import (
    Card,
    CardKind,
    Language,
    LocalizedCard,
    PackInfo,
)
from app.services.guidance.pack import Pack, load_pack
from app.services.guidance.picker import (
    PickResult,
    Question,
    Ranked,
    Situation,
    rank,
)
from app.services.guidance.search import Hit, SearchIndex
from models.enums import ActorType, Approach, Method

__all__ = ["GuidanceLibrary", "bundled_pack_dir"]

_PACK = Path(__file__).resolve().parents[3] / "assets" / "guidance" / "pack"
_KIND_ORDER = (CardKind.FOUNDATION, CardKind.METHOD, CardKind.APPROACH, CardKind.ACTOR)


def bundled_pack_dir() -> Path:
    """Return the directory of the pack shipped with the app (every language)."""
    return _PACK


class _Views:
    """The libraries of one pack, one per language, built when first asked for."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_language: dict[str, GuidanceLibrary] = {}


class GuidanceLibrary:
    """Read-only access to one loaded pack in one language. Built once, cheap to query.

    Thread-safe: a library never changes after it is built.
    """

    def __init__(
        self, pack: Pack, *, language: str | None = None, _views: _Views | None = None
    ) -> None:
        """Read ``pack`` in ``language`` (default: its base language).

        A language the pack does not hold reads every card in the base language,
        each marked as a fallback. Indexing for search takes a few milliseconds.
        """
        self._pack = pack
        self._language = language or pack.info.language
        self._texts: Language | None = pack.language(self._language)
        self._views = _views or _Views()
        self._views.by_language.setdefault(self._language, self)
        self._localized: dict[str, LocalizedCard] = {}
        for base in pack.cards:
            found = pack.card_in(base.id, self._language)
            assert found is not None  # every base card has a reading
            self._localized[base.id] = found
        self._cards = tuple(item.card for item in self._localized.values())
        self._by_id = {card.id: card for card in self._cards}
        self._index = SearchIndex(self._cards)

    @classmethod
    def bundled(cls, language: str | None = None) -> GuidanceLibrary:
        """Load the pack shipped with the app (tests, previews, first start).

        Raises:
            ContentError: the bundled pack is broken.
        """
        library = cls(load_pack(bundled_pack_dir()))
        return library if language is None else library.in_language(language)

    # -- languages -----------------------------------------------------------------

    @property
    def language(self) -> str:
        """The code of the language this library reads in (``"en"``, ``"ar"``)."""
        return self._language

    @property
    def direction(self) -> str:
        """``"rtl"`` or ``"ltr"``: how this language is written."""
        texts = self._texts or self._pack.language(self._pack.info.language)
        return texts.direction if texts is not None else "ltr"

    def languages(self) -> list[Language]:
        """The pack's languages, base first, each with its own name and direction."""
        return list(self._pack.languages)

    def in_language(self, language: str) -> GuidanceLibrary:
        """The same pack read in ``language``: built on first use, then shared."""
        views = self._views
        with views.lock:
            found = views.by_language.get(language)
            if found is None:
                found = GuidanceLibrary(self._pack, language=language, _views=views)
            return found

    # -- cards ---------------------------------------------------------------------

    @property
    def info(self) -> PackInfo:
        """The pack's id, base language, version, publication date and languages."""
        return self._pack.info

    def kinds(self) -> list[tuple[CardKind, str]]:
        """The card kinds in library order, each with its heading in this language."""
        labels = dict(self._pack.info.kind_labels)
        if self._texts is not None:
            labels.update(self._texts.kind_labels)
        return [(kind, labels[kind]) for kind in _KIND_ORDER]

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
            for card in self._cards
            if (kind is None or card.kind is kind)
            and (actor_type is None or _concerns(card, actor_type))
        ]

    def card(self, card_id: str) -> Card | None:
        """Return the card with ``card_id``, or ``None`` if this pack lacks it.

        The card is in this library's language, or in the base language when the
        pack has no current translation (see :meth:`localized`).
        """
        return self._by_id.get(card_id)

    def localized(self, card_id: str) -> LocalizedCard | None:
        """Return the card and whether it fell back to the base language.

        ``None`` when the pack lacks the card. ``fallback`` is true when the card
        is shown in the base language; ``reason`` is ``"missing"`` or
        ``"outdated"``.
        """
        return self._localized.get(card_id)

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
        """Search this language's cards; see ``SearchIndex.search``.

        Cards that fall back to the base language are searched in that language.
        """
        return self._index.search(query, limit=limit)

    # -- picker --------------------------------------------------------------------

    def questions(self) -> tuple[Question, ...]:
        """The picker's questions with their options, in this language."""
        questions = self._pack.rules.questions
        texts = self._texts
        if texts is None or texts.code == self._pack.info.language:
            return questions
        return tuple(
            dataclasses.replace(
                question,
                prompt=texts.prompts.get(question.name, question.prompt),
                options=tuple(
                    dataclasses.replace(
                        option,
                        label=texts.options.get(question.name, {}).get(
                            option.id, option.label
                        ),
                    )
                    for option in question.options
                ),
            )
            for question in questions
        )

    def pick(self, situation: Situation) -> PickResult:
        """Rank methods and approaches for ``situation``, with reasons.

        Titles and reasons are in this language where the pack translates them.

        Raises:
            ValidationFailed: an answer is not one of its question's options.
        """
        result = rank(self._pack.rules, self._cards, situation)
        texts = self._texts
        if texts is None or not texts.reasons:
            return result

        def translated(items: tuple[Ranked, ...]) -> tuple[Ranked, ...]:
            return tuple(
                dataclasses.replace(
                    item,
                    reasons=tuple(
                        dataclasses.replace(r, text=texts.reasons.get(r.text, r.text))
                        for r in item.reasons
                    ),
                )
                for item in items
            )

        return PickResult(
            methods=translated(result.methods),
            approaches=translated(result.approaches),
            reading=tuple(
                dataclasses.replace(s, why=texts.reasons.get(s.why, s.why))
                for s in result.reading
            ),
        )


def _concerns(card: Card, actor_type: ActorType) -> bool:
    if not card.actor_types:
        return card.kind is CardKind.FOUNDATION
    return actor_type.value in card.actor_types
