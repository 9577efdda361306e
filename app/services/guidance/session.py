"""One unlocked session's guidance: the shared library, its reading list, consulting."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from app.services.contacts import ContactForm
from app.services.drafts import DraftService
from app.services.guidance.consulted import mark_consulted, unmark_consulted
from app.services.guidance.library import GuidanceLibrary
from app.services.guidance.model import Card
from app.services.guidance.reading import MetaStore, ReadingList

__all__ = ["ConsultTarget", "GuidanceService"]


@dataclass(frozen=True, slots=True)
class ConsultTarget:
    """A contact form left open while its user reads guidance.

    ``values`` are the form's values when the card was opened (a
    :class:`ContactForm` as a dict); they seed the draft when the form had none.
    """

    draft_key: str
    route: str
    form: str
    values: dict[str, Any] = field(default_factory=dict)


class GuidanceService:
    """The guidance a session reads: cards, search, picker, bookmarks, recent.

    The library (the content pack) is shared by every session of the process and
    holds nothing secret; the reading list and the consulted marks live in this
    session's vault.
    """

    def __init__(
        self, library: GuidanceLibrary, store: MetaStore, drafts: DraftService
    ) -> None:
        """Serve ``library`` to one session whose vault is ``store``."""
        self.library = library
        self.reading = ReadingList(store)
        self._drafts = drafts

    # -- language ---------------------------------------------------------------------

    @property
    def language(self) -> str:
        """The code of the language this session reads the guidance in."""
        return self.library.language

    def read_in(self, language: str) -> None:
        """Read the guidance in ``language`` from now on (the pack's own fallback).

        Cards the pack does not translate into ``language`` are shown in the base
        language; ``library.localized(card_id).fallback`` says so.
        """
        self.library = self.library.in_language(language)

    def use(self, library: GuidanceLibrary) -> None:
        """Read a newly installed pack, in the language this session reads."""
        self.library = library.in_language(self.library.language)

    def read(self, card_id: str) -> Card | None:
        """Return the card and note it as recently read (``None`` if unknown)."""
        card = self.library.card(card_id)
        if card is not None:
            self.reading.mark_read(card_id)
        return card

    def bookmarks(self) -> list[Card]:
        """Bookmarked cards of this pack, most recently added first."""
        known = self.library.ids()
        return self.library.cards_for(self.reading.bookmarks(known=known))

    def recent(self) -> list[Card]:
        """Recently read cards of this pack, newest first."""
        return self.library.cards_for(self.reading.recent(known=self.library.ids()))

    def titles(self, card_ids: list[str]) -> list[str]:
        """Titles of the cards among ``card_ids`` that this pack has, in order."""
        return [card.title for card in self.library.cards_for(card_ids)]

    # -- consulted on a contact draft -------------------------------------------------

    def consulted(self, target: ConsultTarget) -> list[str]:
        """The card ids already marked consulted on the target's contact."""
        return list(self._form(target).cards)

    def mark_consulted(self, target: ConsultTarget, card_id: str) -> None:
        """Note ``card_id`` as consulted on the contact draft of ``target``.

        The draft is created from the form's values when there was none, so the
        mark survives a lock; the contact is saved later, with the rest of the form.
        """
        self._keep(target, mark_consulted(self._form(target), card_id))

    def unmark_consulted(self, target: ConsultTarget, card_id: str) -> None:
        """Take ``card_id`` off the consulted cards of the target's draft."""
        self._keep(target, unmark_consulted(self._form(target), card_id))

    def _form(self, target: ConsultTarget) -> ContactForm:
        draft = self._drafts.get(target.draft_key)
        values = draft.values if draft is not None else target.values
        known = {f.name for f in dataclasses.fields(ContactForm)}
        return ContactForm(**{k: v for k, v in values.items() if k in known})

    def _keep(self, target: ConsultTarget, form: ContactForm) -> None:
        self._drafts.save(
            key=target.draft_key,
            route=target.route,
            form=target.form,
            values=dataclasses.asdict(form),
        )
