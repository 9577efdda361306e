"""Cards consulted while a contact draft is open, kept on the contact itself."""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from app.services.contacts import ContactForm
from models.records import Contact

__all__ = ["mark_consulted", "unmark_consulted"]

# A saved contact, or the contact form's draft (what the screens edit).
_C = TypeVar("_C", Contact, ContactForm)


def mark_consulted(contact: _C, card_id: str) -> _C:
    """Return ``contact`` with ``card_id`` added to its consulted cards.

    Works on a :class:`Contact` and on a :class:`ContactForm` draft alike. The
    draft is not saved: the contact screen saves it with the rest of the form.
    A card already listed is not added twice.
    """
    if card_id in contact.cards:
        return contact
    return _with_cards(contact, [*contact.cards, card_id])


def unmark_consulted(contact: _C, card_id: str) -> _C:
    """Return ``contact`` without ``card_id`` among its consulted cards."""
    if card_id not in contact.cards:
        return contact
    return _with_cards(contact, [c for c in contact.cards if c != card_id])


def _with_cards(contact: _C, cards: list[str]) -> _C:
    if isinstance(contact, ContactForm):
        return dataclasses.replace(contact, cards=cards)
    return contact.model_copy(update={"cards": cards})
