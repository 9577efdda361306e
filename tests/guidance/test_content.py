"""The bundled content pack: every card complete, linked and covering the enums.

These tests read the base language (English); ``test_languages`` checks the
translations against it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from app.errors import ContentError
from app.services.guidance import (
    ACTOR_SECTIONS,
    PLAYBOOK_SECTIONS,
    CardKind,
    Pack,
    bundled_pack_dir,
    check_files,
    load_pack_files,
)
from app.services.guidance.cardfile import MAX_CARD_WORDS, reading_words
from app.services.guidance.text import plain_text
from models.enums import ActorType, Approach, Method

BASE = "en"
CARD_FILES = sorted(p.name for p in (bundled_pack_dir() / BASE / "cards").glob("*.md"))
FOUNDATION_TOPICS = [
    "basics-clarity-of-purpose",
    "basics-community-priorities",
    "basics-risk-analysis",
    "basics-strategy",
    "basics-when-to-engage",
    "basics-coordination",
    "basics-monitoring-learning",
    "basics-meetings",
    "basics-checkpoints",
    "basics-resource-control",
    "basics-escalation",
    "basics-co-option",
    "basics-non-state-engagement",
    "basics-tools-agreements",
]


def test_bundled_pack_has_no_problems(bundled_files: dict[str, bytes]) -> None:
    pack, problems = check_files(bundled_files)
    assert [str(p) for p in problems] == []
    assert pack is not None
    assert len(pack.cards) == len(CARD_FILES)


def test_every_method_approach_and_actor_type_has_its_card(bundled_pack: Pack) -> None:
    ids = {card.id for card in bundled_pack.cards}
    for method in Method:
        assert f"method-{method.value}" in ids
    for approach in Approach:
        assert f"approach-{approach.value}" in ids
    for actor_type in ActorType:
        assert f"actor-{actor_type.value}" in ids


def test_pack_has_the_foundation_cards_the_issue_lists(bundled_pack: Pack) -> None:
    ids = {c.id for c in bundled_pack.cards if c.kind is CardKind.FOUNDATION}
    assert ids == set(FOUNDATION_TOPICS)


@pytest.mark.parametrize("name", CARD_FILES)
def test_card_has_every_field_and_section(bundled_pack: Pack, name: str) -> None:
    card = bundled_pack.card(name.removesuffix(".md"))
    assert card is not None
    assert card.title and card.summary and card.tags and card.related
    assert card.version >= 1
    if card.kind in (CardKind.METHOD, CardKind.APPROACH):
        assert card.headings == PLAYBOOK_SECTIONS
        assert card.actor_types and card.outcomes
    elif card.kind is CardKind.ACTOR:
        assert card.headings == ACTOR_SECTIONS
        assert card.actor_types == (card.id.removeprefix("actor-"),)
    assert all(text.strip() for _, text in card.sections)


@pytest.mark.parametrize("name", CARD_FILES)
def test_card_related_links_resolve(bundled_pack: Pack, name: str) -> None:
    card = bundled_pack.card(name.removesuffix(".md"))
    assert card is not None
    for target in card.related:
        assert bundled_pack.card(target) is not None, target
        assert target != card.id


@pytest.mark.parametrize("name", CARD_FILES)
def test_card_reads_in_short_sentences(bundled_pack: Pack, name: str) -> None:
    # A tired reader on a phone: no sentence over 30 words, 12 on average at most.
    card = bundled_pack.card(name.removesuffix(".md"))
    assert card is not None
    sentences = [
        s for s in re.split(r"(?<=[.!?:;])\s+", plain_text(card.body)) if s.strip()
    ]
    lengths = [len(s.split()) for s in sentences]
    assert max(lengths) <= 30
    assert sum(lengths) / len(lengths) <= 12


@pytest.mark.parametrize("name", CARD_FILES)
def test_card_fits_in_700_words(bundled_pack: Pack, name: str) -> None:
    # About six phone screens: what the reader sees, and the whole file too.
    card = bundled_pack.card(name.removesuffix(".md"))
    assert card is not None
    assert reading_words(card.title, card.summary, card.body) <= MAX_CARD_WORDS
    text = (bundled_pack_dir() / BASE / "cards" / name).read_text(encoding="utf-8")
    assert len(text.split()) <= MAX_CARD_WORDS


def test_card_over_700_words_is_refused(bundled_files: dict[str, bytes]) -> None:
    padding = "\n\nOne more short sentence for the reader." * 100
    files = _broken(bundled_files, DIALOGUE, lambda t: t + padding)
    _, problems = check_files(files)
    assert ("card_too_long", DIALOGUE) in {(p.reason, p.where) for p in problems}


def test_split_cards_link_to_each_other(bundled_pack: Pack) -> None:
    dialogue = bundled_pack.card("method-direct_dialogue")
    meetings = bundled_pack.card("basics-meetings")
    assert dialogue is not None and meetings is not None
    assert "basics-meetings" in dialogue.related
    assert "method-direct_dialogue" in meetings.related


def test_resource_card_is_linked_from_the_cards_around_it(bundled_pack: Pack) -> None:
    linking = {
        c.id for c in bundled_pack.cards if "basics-resource-control" in c.related
    }
    assert {
        "approach-common_interest",
        "approach-quid_pro_quo",
        "basics-co-option",
        "actor-gang",
    } <= linking


def test_remote_channels_advice_states_both_sides(bundled_pack: Pack) -> None:
    # Issue 15: encryption lowers the risk of leaks; seizure, monitoring and
    # misreading remain; sensitive asks wait for a meeting.
    card = bundled_pack.card("basics-non-state-engagement")
    assert card is not None
    remote = (card.section("Remote contact") or "").casefold()
    for needed in ("encrypted", "leak", "seized", "monitored", "misread", "meeting"):
        assert needed in remote, needed
    assert "does not remove" in remote


def _broken(
    files: dict[str, bytes], name: str, change: Callable[[str], str]
) -> dict[str, bytes]:
    copy = dict(files)
    copy[name] = change(copy[name].decode("utf-8")).encode("utf-8")
    return copy


DIALOGUE = "en/cards/method-direct_dialogue.md"


@pytest.mark.parametrize(
    ("name", "change", "reason"),
    [
        (
            DIALOGUE,
            lambda t: t.replace('summary = "', 'summ = "', 1),
            "missing_field_summary",
        ),
        (
            DIALOGUE,
            lambda t: re.sub(r"(?m)^version = \d+\n", "", t, count=1),
            "missing_field_version",
        ),
        (
            DIALOGUE,
            lambda t: t.replace("## Signs it is working", "## Signs"),
            "missing_section",
        ),
        (
            DIALOGUE,
            lambda t: t.replace(
                "## Practical steps\n", "## Practical steps\n\n## Extra\n\nx\n"
            ),
            "empty_section",
        ),
        (
            DIALOGUE,
            lambda t: t.replace('"basics-coordination"', '"basics-nowhere"'),
            "broken_link",
        ),
        (
            DIALOGUE,
            lambda t: t.replace('"stop_attacks"', '"world_peace"', 1),
            "unknown_outcome",
        ),
        (
            DIALOGUE,
            lambda t: t.replace('"state_forces"', '"pirates"', 1),
            "bad_field_actor_types",
        ),
        (
            DIALOGUE,
            lambda t: t.replace('kind = "method"', 'kind = "recipe"'),
            "bad_field_kind",
        ),
        (DIALOGUE, lambda t: t.replace("+++", "---"), "no_front_matter"),
        (
            DIALOGUE,
            lambda t: t.replace('id = "method-direct_dialogue"', 'id = "method-chat"'),
            "id_not_file_name",
        ),
        (
            "picker.toml",
            lambda t: t.replace(
                'card = "method-indirect"', 'card = "method-telepathy"', 1
            ),
            "picker_unknown_card",
        ),
        (
            "picker.toml",
            lambda t: t.replace(
                'when = { access = "none" }', 'when = { access = "maybe" }', 1
            ),
            "unknown_picker_option",
        ),
        (
            "pack.toml",
            lambda t: t.replace("format = 2", "format = 9"),
            "unsupported_format",
        ),
        (
            "pack.toml",
            lambda t: t.replace("format = 2", "format = 1"),
            "unsupported_format",
        ),
        (
            "pack.toml",
            lambda t: t.replace('languages = ["en"', 'languages = ["english"'),
            "bad_pack_languages",
        ),
        (
            "en/language.toml",
            lambda t: t.replace('direction = "ltr"', 'direction = "up"'),
            "bad_language_file",
        ),
        (
            "en/language.toml",
            lambda t: t.replace('actor = "Armed actors"', ""),
            "bad_kind_labels",
        ),
    ],
)
def test_broken_pack_is_refused_with_a_reason(
    bundled_files: dict[str, bytes],
    name: str,
    change: Callable[[str], str],
    reason: str,
) -> None:
    files = _broken(bundled_files, name, change)
    pack, problems = check_files(files)
    assert pack is None
    assert reason in {p.reason for p in problems}
    with pytest.raises(ContentError) as caught:
        load_pack_files(files)
    assert caught.value.reason in {p.reason for p in problems}


@pytest.mark.parametrize(
    "card_id", ["method-indirect", "approach-self_image", "actor-gang"]
)
def test_pack_without_a_required_card_is_refused(
    bundled_files: dict[str, bytes], card_id: str
) -> None:
    files = dict(bundled_files)
    del files[f"en/cards/{card_id}.md"]
    # Drop links to it, so the only problem left is the missing card itself.
    files = {
        name: data.replace(f'"{card_id}", '.encode(), b"").replace(
            f', "{card_id}"'.encode(), b""
        )
        for name, data in files.items()
    }
    _, problems = check_files(files)
    assert ("missing_card", card_id) in {(p.reason, p.where) for p in problems}


def test_content_error_names_the_file_not_a_traceback(
    bundled_files: dict[str, bytes],
) -> None:
    files = _broken(bundled_files, DIALOGUE, lambda t: t.replace("+++", "", 1))
    with pytest.raises(ContentError) as caught:
        load_pack_files(files)
    assert caught.value.code == "content_error"
    assert caught.value.where == DIALOGUE
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    "picker",
    [
        "format = 1\nquestions = 1\n",
        'format = 1\noptions = 3\n[questions]\noutcome = "Why?"\n',
        "format = 1\n[questions]\n[options]\noutcome = [1]\n",
        "format = 1\nrule = 7\n",
    ],
)
def test_malformed_picker_file_is_refused_not_crashed(
    bundled_files: dict[str, bytes], picker: str
) -> None:
    files = {**bundled_files, "picker.toml": picker.encode()}
    with pytest.raises(ContentError) as caught:
        load_pack_files(files)
    assert caught.value.where.startswith("picker.toml")
