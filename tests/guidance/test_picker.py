"""The situation picker: table of situations, reasons from data, input checks."""

from __future__ import annotations

import tomllib

import pytest

from app.errors import ContentError, ValidationFailed
from app.services.guidance import (
    QUESTIONS,
    GuidanceLibrary,
    Situation,
    bundled_pack_dir,
    check_files,
    load_pack,
    load_pack_files,
)

# (outcome, actor type, access, best placed, risk) -> top method, top approach.
TABLE = [
    # Convoy route through an armed group's area; local staff know the commander.
    (
        ("safe_access", "nsag", "direct", "community", "medium"),
        "direct_dialogue",
        "common_interest",
    ),
    # Shelling of villages; the HC meets the army's top command; no appetite for risk.
    (
        ("stop_attacks", "state_forces", "direct", "senior", "low"),
        "direct_dialogue",
        "international_law",
    ),
    # A group recruits children, refuses all contact, and the agency accepts high risk.
    (
        ("child_recruitment", "nsag", "none", "nobody", "high"),
        "revealing_facts",
        "self_image",
    ),
    # Civilian harm doctrine for a national army, reached through its partners.
    (
        ("lasting_change", "state_forces", "indirect", "senior", "low"),
        "education_training",
        "international_law",
    ),
    # A militia blocks a clinic; senior negotiators can offer care to all wounded.
    (
        ("health_care", "militia", "direct", "senior", "medium"),
        "direct_dialogue",
        "quid_pro_quo",
    ),
    # Militia raids on villages; only a religious leader can reach its commanders.
    (
        ("stop_attacks", "militia", "none", "intermediary", "low"),
        "indirect",
        "local_norms",
    ),
    # Farmland and markets under an armed group; local staff meet its leaders.
    (
        ("food_livelihoods", "nsag", "direct", "community", "low"),
        "direct_dialogue",
        "common_interest",
    ),
    # A gang controls the neighbourhood around a new clinic.
    (
        ("acceptance", "gang", "indirect", "community", "low"),
        "direct_dialogue",
        "common_interest",
    ),
    # People held at a police station; senior staff meet the commander.
    (
        ("detainees", "law_enforcement", "direct", "senior", "low"),
        "direct_dialogue",
        "international_law",
    ),
    # Sexual violence by a group's fighters; elders and faith leaders carry messages.
    (
        ("sexual_violence", "nsag", "indirect", "intermediary", "medium"),
        "indirect",
        "local_norms",
    ),
    # Air strikes on markets; the army will not meet anyone; high risk accepted.
    (
        ("stop_attacks", "state_forces", "none", "nobody", "high"),
        "public_advocacy",
        "international_law",
    ),
    # Mines on farmland; a specialist partner works with the group.
    (
        ("explosive_hazards", "nsag", "indirect", "intermediary", "medium"),
        "indirect",
        "self_image",
    ),
    # Protection of civilians in a peacekeeping mission's training.
    (
        ("lasting_change", "peacekeepers", "direct", "senior", "low"),
        "education_training",
        "international_law",
    ),
    # Guards of a mining company block a road to a water point.
    (
        ("safe_access", "private_security", "direct", "senior", "low"),
        "direct_dialogue",
        "common_interest",
    ),
    # Soldiers at checkpoints stop families going to their fields.
    (
        ("freedom_of_movement", "state_forces", "indirect", "community", "low"),
        "direct_dialogue",
        "common_interest",
    ),
    # A group's hospital access; senior staff, high risk tolerance.
    (
        ("health_care", "nsag", "indirect", "senior", "high"),
        "direct_dialogue",
        "quid_pro_quo",
    ),
]


@pytest.mark.parametrize(("answers", "method", "approach"), TABLE)
def test_picker_ranks_the_expected_method_and_approach_first(
    library: GuidanceLibrary, answers: tuple[str, ...], method: str, approach: str
) -> None:
    result = library.pick(Situation(*answers))
    assert result.methods[0].card_id == f"method-{method}"
    assert result.approaches[0].card_id == f"approach-{approach}"
    # A clear winner, not a tie settled by list order.
    assert result.methods[0].score > result.methods[1].score
    assert result.approaches[0].score > result.approaches[1].score


@pytest.mark.parametrize(("answers", "method", "approach"), TABLE[:4])
def test_picker_ranks_every_method_and_approach_with_reasons(
    library: GuidanceLibrary, answers: tuple[str, ...], method: str, approach: str
) -> None:
    result = library.pick(Situation(*answers))
    assert len(result.methods) == 5 and len(result.approaches) == 5
    for ranked in (*result.methods, *result.approaches):
        assert ranked.reasons, ranked.card_id
        assert ranked.score == sum(reason.points for reason in ranked.reasons)
        assert [r.points for r in ranked.reasons] == sorted(
            (r.points for r in ranked.reasons), reverse=True
        )
    scores = [r.score for r in result.methods]
    assert scores == sorted(scores, reverse=True)


def test_picker_reasons_come_from_the_rules_file(library: GuidanceLibrary) -> None:
    data = tomllib.loads((bundled_pack_dir() / "picker.toml").read_text("utf-8"))
    texts = {rule["why"] for rule in data["rule"]}
    result = library.pick(Situation(*TABLE[0][0]))
    for ranked in (*result.methods, *result.approaches):
        assert {reason.text for reason in ranked.reasons} <= texts


def test_picker_warns_about_risk_beyond_the_limit(library: GuidanceLibrary) -> None:
    result = library.pick(
        Situation("child_recruitment", "nsag", "none", "nobody", "low")
    )
    facts = next(r for r in result.methods if r.card_id == "method-revealing_facts")
    assert any(reason.points < 0 and "risk" in reason.text for reason in facts.reasons)
    assert result.methods[0].card_id != "method-revealing_facts"


def test_changing_a_weight_in_the_rules_file_changes_the_ranking(make_pack) -> None:
    # The rules are data: raise public advocacy's base score in the file only.
    base = 'card = "method-public_advocacy"\npoints = 1\n'
    root = make_pack(
        edit={"picker.toml": lambda t: t.replace(base, base.replace("1", "30"))}
    )
    changed = GuidanceLibrary(load_pack(root))
    result = changed.pick(Situation(*TABLE[1][0]))
    assert result.methods[0].card_id == "method-public_advocacy"


@pytest.mark.parametrize("field", QUESTIONS)
def test_picker_refuses_an_answer_that_is_not_an_option(
    library: GuidanceLibrary, field: str
) -> None:
    answers = dict(zip(QUESTIONS, TABLE[0][0], strict=True))
    answers[field] = "made_up"
    with pytest.raises(ValidationFailed) as caught:
        library.pick(Situation(**answers))
    assert caught.value.fields == {field: "not_an_option"}


def test_picker_questions_cover_every_actor_type_with_labels(
    library: GuidanceLibrary,
) -> None:
    questions = library.questions()
    assert [q.name for q in questions] == list(QUESTIONS)
    for question in questions:
        assert question.prompt.endswith("?")
        assert all(option.label for option in question.options)
    actor = next(q for q in questions if q.name == "actor_type")
    assert len(actor.options) == 8


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # Guards of a mining company block a road to a water point.
        (
            TABLE[13][0],
            {"basics-resource-control", "basics-meetings", "basics-checkpoints"},
        ),
        # Farmland and markets under an armed group.
        (
            TABLE[6][0],
            {
                "basics-resource-control",
                "basics-meetings",
                "basics-non-state-engagement",
            },
        ),
        # A group that refuses all contact, about children.
        (TABLE[2][0], {"basics-non-state-engagement"}),
        # Army shelling; no contact.
        (TABLE[10][0], set()),
    ],
)
def test_picker_suggests_cards_to_read_first(
    library: GuidanceLibrary, answers: tuple[str, ...], expected: set[str]
) -> None:
    result = library.pick(Situation(*answers))
    assert {s.card_id for s in result.reading} == expected
    for suggestion in result.reading:
        card = library.card(suggestion.card_id)
        assert card is not None and suggestion.title == card.title
        assert suggestion.why


def test_picker_read_entry_must_name_a_foundation_or_actor_card(
    bundled_files: dict[str, bytes],
) -> None:
    text = bundled_files["picker.toml"].decode()
    broken = text.replace('card = "basics-meetings"', 'card = "method-indirect"', 1)
    _, problems = check_files({**bundled_files, "picker.toml": broken.encode()})
    assert "picker_unknown_card" in {p.reason for p in problems}


def test_picker_read_entry_may_not_carry_points(
    bundled_files: dict[str, bytes],
) -> None:
    text = bundled_files["picker.toml"].decode()
    broken = text.replace(
        'card = "basics-meetings"\n', 'card = "basics-meetings"\npoints = 3\n', 1
    )
    with pytest.raises(ContentError) as caught:
        load_pack_files({**bundled_files, "picker.toml": broken.encode()})
    assert caught.value.reason == "bad_picker_read"
