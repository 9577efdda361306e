"""Marking cards as consulted on a contact draft."""

from __future__ import annotations

from datetime import date

from app.services.guidance import GuidanceLibrary, mark_consulted, unmark_consulted
from models.enums import Method
from models.records import Contact


def draft() -> Contact:
    return Contact(on=date(2025, 11, 20), methods=[Method.INDIRECT])


def test_mark_consulted_adds_a_card_once() -> None:
    contact = mark_consulted(draft(), "method-indirect")
    contact = mark_consulted(contact, "approach-local_norms")
    again = mark_consulted(contact, "method-indirect")
    assert again.cards == ["method-indirect", "approach-local_norms"]


def test_mark_consulted_leaves_the_original_draft_alone() -> None:
    original = draft()
    changed = mark_consulted(original, "actor-gang")
    assert original.cards == []
    assert changed.id == original.id and changed.methods == original.methods


def test_unmark_consulted_removes_the_card() -> None:
    contact = mark_consulted(draft(), "actor-gang")
    assert unmark_consulted(contact, "actor-gang").cards == []
    assert unmark_consulted(contact, "actor-nsag").cards == ["actor-gang"]


def test_consulted_cards_resolve_in_the_library(library: GuidanceLibrary) -> None:
    contact = draft()
    for method in contact.methods:
        contact = mark_consulted(contact, library.method_card(method).id)
    assert [c.title for c in library.cards_for(contact.cards)] == [
        "Indirect engagement through intermediaries"
    ]
