"""Cards consulted while a contact draft is open, kept on the contact itself."""

from __future__ import annotations

from models.records import Contact

__all__ = ["mark_consulted", "unmark_consulted"]


def mark_consulted(contact: Contact, card_id: str) -> Contact:
    """Return ``contact`` with ``card_id`` added to its consulted cards.

    The draft is not saved: the contact screen saves it with the rest of the form.
    A card already listed is not added twice.
    """
    if card_id in contact.cards:
        return contact
    return contact.model_copy(update={"cards": [*contact.cards, card_id]})


def unmark_consulted(contact: Contact, card_id: str) -> Contact:
    """Return ``contact`` without ``card_id`` among its consulted cards."""
    if card_id not in contact.cards:
        return contact
    return contact.model_copy(
        update={"cards": [c for c in contact.cards if c != card_id]}
    )
