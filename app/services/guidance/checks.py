"""Checks that span the whole pack: links, coverage of the enums, picker references."""

from __future__ import annotations

from collections.abc import Sequence

from app.services.guidance.model import Card, CardKind, Problem
from app.services.guidance.picker import PickerRules
from models.enums import ActorType, Approach, Method

__all__ = ["cross_check", "required_card_ids"]

PICKER_FILE = "picker.toml"


def required_card_ids() -> list[str]:
    """The card ids a pack must hold: one per Method, Approach and ActorType."""
    return [
        *(f"method-{m.value}" for m in Method),
        *(f"approach-{a.value}" for a in Approach),
        *(f"actor-{t.value}" for t in ActorType),
    ]


def cross_check(cards: Sequence[Card], rules: PickerRules) -> list[Problem]:
    """Return every problem between cards, and between the cards and the picker."""
    by_id = {card.id: card for card in cards}
    outcomes = rules.question("outcome").ids()
    problems: list[Problem] = []
    for card in cards:
        problems += _links(card, by_id)
        if not set(card.outcomes) <= outcomes:
            problems.append(Problem("unknown_outcome", card.id))
    problems += [
        Problem("missing_card", card_id)
        for card_id in required_card_ids()
        if card_id not in by_id
    ]
    problems += _picker(rules, by_id)
    return problems


def _links(card: Card, by_id: dict[str, Card]) -> list[Problem]:
    problems = []
    for target in card.related:
        if target == card.id:
            problems.append(Problem("self_link", card.id))
        elif target not in by_id:
            problems.append(Problem("broken_link", card.id))
    return problems


def _picker(rules: PickerRules, by_id: dict[str, Card]) -> list[Problem]:
    problems = []
    ranked_kinds = (CardKind.METHOD, CardKind.APPROACH)
    for index, rule in enumerate(rules.rules):
        card = by_id.get(rule.card)
        if card is None or card.kind not in ranked_kinds:
            problems.append(
                Problem("picker_unknown_card", f"{PICKER_FILE}#rule{index + 1}")
            )
    readable = (CardKind.FOUNDATION, CardKind.ACTOR)
    for index, entry in enumerate(rules.reading):
        card = by_id.get(entry.card)
        if card is None or card.kind not in readable:
            problems.append(
                Problem("picker_unknown_card", f"{PICKER_FILE}#read{index + 1}")
            )
    with_rules = {rule.card for rule in rules.rules}
    for card in by_id.values():
        if card.kind in ranked_kinds and card.id not in with_rules:
            problems.append(Problem("picker_card_without_rule", card.id))
    actor_ids = rules.question("actor_type").ids()
    if actor_ids != {t.value for t in ActorType}:
        problems.append(Problem("picker_actor_types", f"{PICKER_FILE}#actor_type"))
    return problems
