"""The library a screen uses: kinds, lists, cards, related cards, enum lookups."""

from __future__ import annotations

from app.services.guidance import CardKind, GuidanceLibrary
from models.enums import ActorType, Approach, Method


def test_kinds_come_in_library_order_with_pack_headings(
    library: GuidanceLibrary,
) -> None:
    assert library.kinds() == [
        (CardKind.FOUNDATION, "Foundations"),
        (CardKind.METHOD, "Methods"),
        (CardKind.APPROACH, "Approaches"),
        (CardKind.ACTOR, "Armed actors"),
    ]


def test_cards_of_a_kind_follow_the_enum_order(library: GuidanceLibrary) -> None:
    methods = [c.id for c in library.cards(CardKind.METHOD)]
    assert methods == [f"method-{m.value}" for m in Method]
    approaches = [c.id for c in library.cards(CardKind.APPROACH)]
    assert approaches == [f"approach-{a.value}" for a in Approach]
    actors = [c.id for c in library.cards(CardKind.ACTOR)]
    assert actors == [f"actor-{t.value}" for t in ActorType]


def test_foundation_cards_follow_their_order_field(library: GuidanceLibrary) -> None:
    orders = [c.order for c in library.cards(CardKind.FOUNDATION)]
    assert orders == sorted(orders)
    assert library.cards(CardKind.FOUNDATION)[0].id == "basics-clarity-of-purpose"


def test_all_cards_are_grouped_by_kind(library: GuidanceLibrary) -> None:
    kinds = [c.kind for c in library.cards()]
    order = [kind for kind, _ in library.kinds()]
    assert [order.index(k) for k in kinds] == sorted(order.index(k) for k in kinds)


def test_actor_filter_keeps_cards_that_concern_the_actor(
    library: GuidanceLibrary,
) -> None:
    for_gangs = {c.id for c in library.cards(actor_type=ActorType.GANG)}
    assert "actor-gang" in for_gangs
    assert "actor-state_forces" not in for_gangs
    assert "method-education_training" not in for_gangs
    assert "basics-checkpoints" in for_gangs  # foundations concern everyone


def test_card_and_related_cards(library: GuidanceLibrary) -> None:
    card = library.card("method-indirect")
    assert card is not None
    related = library.related("method-indirect")
    assert [c.id for c in related] == list(card.related)
    assert library.card("basics-missing") is None
    assert library.related("basics-missing") == []


def test_cards_for_skips_ids_the_pack_lacks(library: GuidanceLibrary) -> None:
    cards = library.cards_for(["actor-gang", "basics-retired", "method-indirect"])
    assert [c.id for c in cards] == ["actor-gang", "method-indirect"]


def test_every_contact_chip_opens_a_card(library: GuidanceLibrary) -> None:
    for method in Method:
        assert library.method_card(method).kind is CardKind.METHOD
    for approach in Approach:
        assert library.approach_card(approach).kind is CardKind.APPROACH
    for actor_type in ActorType:
        assert library.actor_card(actor_type).kind is CardKind.ACTOR


def test_card_sections_are_reachable_by_heading(library: GuidanceLibrary) -> None:
    card = library.method_card(Method.DIRECT_DIALOGUE)
    steps = card.section("Practical steps")
    assert steps is not None and steps.startswith("1.")
    assert card.section("Nope") is None
    assert card.lead.startswith("When you can reach them")


def test_pack_info_is_exposed(library: GuidanceLibrary) -> None:
    assert library.info.id == "parley-guidance"
    assert library.info.language == "en"
    assert library.info.published == "2026-11-23"
