"""The situation picker: rules from ``picker.toml`` rank methods and approaches.

Every rule names one card, an optional condition on the answers, a number of points
and the reason shown to the reader. A card's score is the sum of the points of the
rules that match; its reasons are those rules' texts, strongest first.

``[[read]]`` entries point the reader to foundation or actor cards worth reading
before acting in that situation (a group that controls a water point, a meeting to
prepare), each with its condition and the reason shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import ContentError, ValidationFailed
from app.services.guidance.model import Card, CardKind

__all__ = [
    "QUESTIONS",
    "Option",
    "PickResult",
    "PickerRules",
    "Question",
    "Ranked",
    "Reason",
    "Rule",
    "Situation",
    "Suggestion",
    "parse_rules",
    "rank",
]

PICKER_FILE = "picker.toml"
# The answers a situation holds, in the order a screen asks for them.
QUESTIONS: tuple[str, ...] = ("outcome", "actor_type", "access", "placed", "risk")


@dataclass(frozen=True, slots=True)
class Option:
    """One answer to a picker question: a stable ``id`` and the text shown."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    """A picker question: its ``name`` (one of QUESTIONS), prompt and options."""

    name: str
    prompt: str
    options: tuple[Option, ...]

    def ids(self) -> frozenset[str]:
        """The option ids of this question."""
        return frozenset(option.id for option in self.options)


@dataclass(frozen=True, slots=True)
class Rule:
    """Add ``points`` to ``card`` when every condition in ``when`` holds."""

    card: str
    when: tuple[tuple[str, frozenset[str]], ...]
    points: int
    why: str

    def matches(self, situation: Situation) -> bool:
        """Whether this rule applies to ``situation``."""
        return all(situation.answer(name) in allowed for name, allowed in self.when)


@dataclass(frozen=True, slots=True)
class PickerRules:
    """The questions, rules and reading suggestions of a pack's ``picker.toml``.

    ``reading`` holds the ``[[read]]`` entries as rules whose ``points`` is 0.
    """

    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    reading: tuple[Rule, ...] = ()

    def question(self, name: str) -> Question:
        """Return the question called ``name`` (one of QUESTIONS)."""
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Situation:
    """The reader's answers: each field holds an option id of its question."""

    outcome: str
    actor_type: str
    access: str
    placed: str
    risk: str

    def answer(self, name: str) -> str:
        """Return the answer to the question called ``name``."""
        return str(getattr(self, name))


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a card moved up (positive ``points``) or down (negative)."""

    text: str
    points: int


@dataclass(frozen=True, slots=True)
class Ranked:
    """A method or approach card with its score and the reasons behind it."""

    card_id: str
    title: str
    score: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A card to read before acting, and why it fits the situation."""

    card_id: str
    title: str
    why: str


@dataclass(frozen=True, slots=True)
class PickResult:
    """Methods and approaches for one situation, best first; cards to read first."""

    methods: tuple[Ranked, ...]
    approaches: tuple[Ranked, ...]
    reading: tuple[Suggestion, ...] = ()


def parse_rules(data: Mapping[str, Any]) -> PickerRules:
    """Build the picker from the parsed ``picker.toml``.

    Raises:
        ContentError: a question, option or rule is malformed. Whether rules name real
            cards is checked with the whole pack (see ``checks``).
    """
    if data.get("format") != 1:
        raise ContentError("bad_picker_format", PICKER_FILE)
    questions = tuple(_question(name, data) for name in QUESTIONS)
    known = {q.name: q.ids() for q in questions}
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ContentError("no_picker_rules", PICKER_FILE)
    rules = tuple(_rule(index, raw, known) for index, raw in enumerate(raw_rules))
    raw_reading = data.get("read", [])
    if not isinstance(raw_reading, list):
        raise ContentError("bad_picker_read", PICKER_FILE)
    reading = tuple(
        _rule(index, raw, known, section="read")
        for index, raw in enumerate(raw_reading)
    )
    return PickerRules(questions=questions, rules=rules, reading=reading)


def _question(name: str, data: Mapping[str, Any]) -> Question:
    prompts, all_options = data.get("questions"), data.get("options")
    if not isinstance(prompts, dict) or not isinstance(all_options, dict):
        raise ContentError("bad_picker_question", PICKER_FILE)
    prompt, raw = prompts.get(name), all_options.get(name)
    if not isinstance(prompt, str) or not prompt.strip() or not isinstance(raw, list):
        raise ContentError("bad_picker_question", f"{PICKER_FILE}#{name}")
    options = []
    for item in raw:
        ok = isinstance(item, dict) and set(item) == {"id", "label"}
        if not ok or not all(isinstance(v, str) and v.strip() for v in item.values()):
            raise ContentError("bad_picker_option", f"{PICKER_FILE}#{name}")
        options.append(Option(id=item["id"], label=item["label"]))
    if not options or len({o.id for o in options}) != len(options):
        raise ContentError("bad_picker_option", f"{PICKER_FILE}#{name}")
    return Question(name=name, prompt=prompt.strip(), options=tuple(options))


def _rule(
    index: int,
    raw: Any,
    known: Mapping[str, frozenset[str]],
    *,
    section: str = "rule",
) -> Rule:
    # A [[read]] entry is a rule without points.
    where = f"{PICKER_FILE}#{section}{index + 1}"
    keys = {"card", "when", "why"} | ({"points"} if section == "rule" else set())
    if not isinstance(raw, dict) or not set(raw) <= keys:
        raise ContentError(f"bad_picker_{section}", where)
    card, why = raw.get("card"), raw.get("why")
    points = raw.get("points") if section == "rule" else 0
    if not isinstance(card, str) or not isinstance(why, str) or not why.strip():
        raise ContentError(f"bad_picker_{section}", where)
    if not isinstance(points, int) or isinstance(points, bool):
        raise ContentError(f"bad_picker_{section}", where)
    if section == "rule" and points == 0:
        raise ContentError("bad_picker_rule", where)
    when = raw.get("when", {})
    if not isinstance(when, dict):
        raise ContentError("bad_picker_rule", where)
    conditions = []
    for name, values in when.items():
        allowed = [values] if isinstance(values, str) else values
        if name not in known or not isinstance(allowed, list) or not allowed:
            raise ContentError("bad_picker_condition", where)
        if not set(allowed) <= known[name]:
            raise ContentError("unknown_picker_option", where)
        conditions.append((name, frozenset(allowed)))
    return Rule(card=card, when=tuple(conditions), points=points, why=why.strip())


def rank(rules: PickerRules, cards: Iterable[Card], situation: Situation) -> PickResult:
    """Score every method and approach card for ``situation``.

    Args:
        rules: the pack's picker rules.
        cards: the pack's cards, in library order (the order breaks ties).
        situation: the reader's answers.

    Returns:
        Methods and approaches, highest score first.

    Raises:
        ValidationFailed: an answer is not an option of its question; ``fields`` maps
            the question name to ``not_an_option``.
    """
    bad = {
        q.name: "not_an_option"
        for q in rules.questions
        if situation.answer(q.name) not in q.ids()
    }
    if bad:
        raise ValidationFailed(bad)
    matched = [rule for rule in rules.rules if rule.matches(situation)]
    listed = tuple(cards)
    methods, approaches = [], []
    for card in listed:
        if card.kind is CardKind.METHOD:
            methods.append(_score(card, matched))
        elif card.kind is CardKind.APPROACH:
            approaches.append(_score(card, matched))
    titles = {card.id: card.title for card in listed}
    reading = tuple(
        Suggestion(card_id=entry.card, title=titles[entry.card], why=entry.why)
        for entry in rules.reading
        if entry.matches(situation) and entry.card in titles
    )
    return PickResult(
        methods=_best_first(methods),
        approaches=_best_first(approaches),
        reading=reading,
    )


def _score(card: Card, matched: list[Rule]) -> Ranked:
    mine = [rule for rule in matched if rule.card == card.id]
    reasons = sorted(
        (Reason(text=rule.why, points=rule.points) for rule in mine),
        key=lambda reason: -reason.points,
    )
    total = sum(rule.points for rule in mine)
    return Ranked(
        card_id=card.id, title=card.title, score=total, reasons=tuple(reasons)
    )


def _best_first(ranked: list[Ranked]) -> tuple[Ranked, ...]:
    # sorted() is stable, so equal scores keep library order.
    return tuple(sorted(ranked, key=lambda item: -item.score))
