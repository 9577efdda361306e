"""Language folders: translations, fallback to the base language, pack checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.errors import ContentError
from app.services.guidance import (
    GuidanceLibrary,
    PackInstaller,
    Situation,
    build_archive,
    bundled_pack_dir,
    check_files,
    load_pack,
    read_archive,
    read_dir,
)
from tests.guidance.conftest import PackFactory

FR_LANGUAGE = """\
name = "Français"
direction = "ltr"

[kinds]
foundation = "Les bases"
method = "Méthodes"
approach = "Approches"
actor = "Acteurs armés"

[sections]
"What it is" = "De quoi s'agit-il"
"When it fits" = "Quand l'utiliser"
"Who is best placed" = "Qui est le mieux placé"
"Risks and how to reduce them" = "Risques et comment les réduire"
"Practical steps" = "Étapes pratiques"
"Signs it is working" = "Signes de réussite"

[questions]
access = "Pouvez-vous joindre ceux qui décident ?"

[options.access]
none = "Non, aucun contact"

[reasons]
"Someone the actor respects can carry your message for you." = \
"Une personne respectée peut porter votre message."
"""

FR_INDIRECT = """\
+++
id = "method-indirect"
title = "L'engagement indirect"
summary = "Passez par quelqu'un que l'acteur écoute."
tags = ["intermédiaires"]
translates = 1
+++

## De quoi s'agit-il

Quelqu'un porte le message pour vous.

## Quand l'utiliser

Quand vous ne pouvez pas joindre ceux qui décident.

## Qui est le mieux placé

Une personne respectée et protégée.

## Risques et comment les réduire

Ne transférez pas votre risque.

## Étapes pratiques

1. Choisissez bien le messager.

## Signes de réussite

L'acteur répond.
"""

FR_CHECKPOINTS = """\
+++
id = "basics-checkpoints"
title = "Aux barrages"
summary = "Restez calme et poli."
tags = ["barrage"]
translates = 1
+++

## Au barrage

Gardez les mains visibles.
"""


def with_languages(text: str, codes: str) -> str:
    return re.sub(r"(?m)^languages = .*$", f"languages = [{codes}]", text)


# The French of these tests is their own, not the bundled one.
ONLY_EN = ("en",)


@pytest.fixture
def french(make_pack: PackFactory) -> Path:
    """A copy of the bundled pack with French for two cards."""
    return make_pack(
        languages=ONLY_EN,
        version=2,
        edit={"pack.toml": lambda t: with_languages(t, '"en", "fr"')},
        add={
            "fr/language.toml": FR_LANGUAGE,
            "fr/cards/method-indirect.md": FR_INDIRECT,
            "fr/cards/basics-checkpoints.md": FR_CHECKPOINTS,
        },
    )


@pytest.fixture
def fr(french: Path) -> GuidanceLibrary:
    return GuidanceLibrary(load_pack(french)).in_language("fr")


def test_a_translated_card_is_read_in_the_asked_language(fr) -> None:
    found = fr.localized("method-indirect")
    assert found is not None
    assert (found.fallback, found.reason, found.language) == (False, None, "fr")
    card = found.card
    assert card.title == "L'engagement indirect" and card.language == "fr"
    assert fr.card("method-indirect") == card
    # Structure comes from the English card; sections answer to either heading.
    english = fr.in_language("en").card("method-indirect")
    assert english is not None
    assert (card.kind, card.related, card.outcomes) == (
        english.kind,
        english.related,
        english.outcomes,
    )
    assert card.section("Practical steps") == card.section("Étapes pratiques")
    assert card.section("Practical steps") == "1. Choisissez bien le messager."


def test_a_card_without_translation_falls_back_to_english(fr) -> None:
    found = fr.localized("method-direct_dialogue")
    assert found is not None
    assert (found.fallback, found.reason, found.language) == (True, "missing", "fr")
    assert found.card.language == "en" and found.card.title == "Direct dialogue"
    assert fr.localized("basics-nowhere") is None


def test_an_outdated_translation_falls_back_to_english(make_pack) -> None:
    root = make_pack(
        languages=ONLY_EN,
        version=2,
        edit={
            "pack.toml": lambda t: with_languages(t, '"en", "fr"'),
            # The English card moves on; the French one still follows version 1.
            "en/cards/method-indirect.md": lambda t: t.replace(
                "version = 1", "version = 2", 1
            ),
        },
        add={
            "fr/language.toml": FR_LANGUAGE,
            "fr/cards/method-indirect.md": FR_INDIRECT,
        },
    )
    fr = GuidanceLibrary(load_pack(root)).in_language("fr")
    found = fr.localized("method-indirect")
    assert found is not None
    assert (found.fallback, found.reason) == (True, "outdated")
    assert found.card.title == "Indirect engagement through intermediaries"


def test_a_language_view_lists_links_and_searches_in_its_language(fr) -> None:
    titles = {c.id: c.title for c in fr.cards()}
    assert titles["method-indirect"] == "L'engagement indirect"
    assert titles["method-education_training"] == "Education and training"
    assert [c.id for c in fr.related("basics-checkpoints")] == list(
        fr.card("basics-checkpoints").related
    )
    assert fr.search("barrages")[0].card_id == "basics-checkpoints"
    assert fr.search("messager")[0].card_id == "method-indirect"
    assert fr.kinds()[1][1] == "Méthodes"


def test_picker_questions_and_reasons_use_the_language_where_translated(fr) -> None:
    questions = {q.name: q for q in fr.questions()}
    assert questions["access"].prompt == "Pouvez-vous joindre ceux qui décident ?"
    labels = {o.id: o.label for o in questions["access"].options}
    assert labels["none"] == "Non, aucun contact"
    assert labels["direct"] == "Yes, we can meet people who decide"  # not translated
    assert questions["outcome"].prompt == "What do you want to achieve?"
    result = fr.pick(
        Situation("stop_attacks", "militia", "none", "intermediary", "low")
    )
    indirect = next(r for r in result.methods if r.card_id == "method-indirect")
    assert indirect.title == "L'engagement indirect"
    texts = {r.text for r in indirect.reasons}
    assert "Une personne respectée peut porter votre message." in texts
    assert "A partner or intermediary with access is your best way in." in texts


def test_a_language_the_pack_lacks_reads_everything_in_english(fr) -> None:
    es = fr.in_language("es")
    assert es.language == "es" and es.direction == "ltr"
    assert all(es.localized(c.id).fallback for c in es.cards())
    assert es.kinds()[1][1] == "Methods"


def test_language_views_are_built_once_and_shared(fr) -> None:
    assert fr.in_language("fr") is fr
    english = fr.in_language("en")
    assert english.in_language("fr") is fr
    assert [lang.code for lang in fr.languages()] == ["en", "fr"]
    assert fr.languages()[1].name == "Français"


def test_the_base_view_reads_english_without_fallback(fr) -> None:
    english = fr.in_language("en")
    found = english.localized("method-indirect")
    assert found is not None and not found.fallback
    assert found.card.language == "en"


def test_an_archive_with_language_folders_round_trips_and_installs(
    french: Path, tmp_path: Path
) -> None:
    files = read_dir(french)
    assert "fr/cards/method-indirect.md" in files
    data = build_archive(files)
    assert read_archive(data) == files
    installer = PackInstaller(
        tmp_path / "packs", bundled=bundled_pack_dir(), verify=None
    )
    pack = installer.install(data)
    assert pack.info.languages == ("en", "fr")
    assert (tmp_path / "packs" / "pack-000002" / "fr" / "cards").is_dir()
    active = installer.active()
    assert active.card_in("method-indirect", "fr").card.title == "L'engagement indirect"


def _problems(root: Path) -> set[tuple[str, str]]:
    _, problems = check_files(read_dir(root))
    return {(p.reason, p.where) for p in problems}


@pytest.mark.parametrize(
    ("edit", "add", "problem"),
    [
        # A French card with the English headings.
        (
            {},
            {
                "fr/cards/method-indirect.md": FR_INDIRECT.replace(
                    "## Étapes pratiques", "## Practical steps"
                )
            },
            ("missing_section", "fr/cards/method-indirect.md"),
        ),
        # A translation of a card the base language does not have.
        (
            {},
            {
                "fr/cards/basics-nowhere.md": FR_CHECKPOINTS.replace(
                    "basics-checkpoints", "basics-nowhere"
                )
            },
            ("translation_without_card", "fr/cards/basics-nowhere.md"),
        ),
        # A translation that claims a version the English card never had.
        (
            {},
            {
                "fr/cards/basics-checkpoints.md": FR_CHECKPOINTS.replace(
                    "translates = 1", "translates = 9"
                )
            },
            ("bad_field_translates", "fr/cards/basics-checkpoints.md"),
        ),
        # Structure belongs to the English card.
        (
            {},
            {
                "fr/cards/basics-checkpoints.md": FR_CHECKPOINTS.replace(
                    "translates = 1", 'translates = 1\nrelated = ["actor-gang"]'
                )
            },
            ("unknown_field", "fr/cards/basics-checkpoints.md"),
        ),
        # A folder the pack does not list.
        (
            {},
            {"es/language.toml": FR_LANGUAGE},
            ("unknown_language", "es/language.toml"),
        ),
    ],
)
def test_a_broken_translation_is_refused_with_a_reason(
    make_pack: PackFactory, edit, add, problem
) -> None:
    base = {
        "fr/language.toml": FR_LANGUAGE,
        "fr/cards/method-indirect.md": FR_INDIRECT,
        "fr/cards/basics-checkpoints.md": FR_CHECKPOINTS,
    }
    root = make_pack(
        languages=ONLY_EN,
        edit={"pack.toml": lambda t: with_languages(t, '"en", "fr"'), **edit},
        add={**base, **add},
    )
    assert problem in _problems(root)


@pytest.mark.parametrize(
    ("language_file", "reason"),
    [
        (None, "missing_file"),
        (
            FR_LANGUAGE.replace('direction = "ltr"', 'direction = "sideways"'),
            "bad_language_file",
        ),
        (FR_LANGUAGE.replace('name = "Français"', 'name = ""'), "bad_language_file"),
        (
            FR_LANGUAGE.replace('"Practical steps" =', '"Steps" ='),
            "bad_language_sections",
        ),
        (
            FR_LANGUAGE.replace("[questions]", '[questions]\nweather = "Quel temps ?"'),
            "bad_language_file",
        ),
        (FR_LANGUAGE + "\nextra = 1\n", "bad_language_file"),
        ("not toml = = =", "bad_toml"),
    ],
)
def test_a_broken_language_file_is_refused(
    make_pack: PackFactory, language_file: str | None, reason: str
) -> None:
    add = {"fr/language.toml": language_file} if language_file else {}
    root = make_pack(
        languages=ONLY_EN,
        edit={"pack.toml": lambda t: with_languages(t, '"en", "fr"')},
        add=add,
    )
    pack, problems = check_files(read_dir(root))
    assert pack is None
    assert problems[0].reason == reason and problems[0].where == "fr/language.toml"


def test_the_base_language_file_may_not_carry_picker_texts(make_pack) -> None:
    root = make_pack(
        languages=ONLY_EN,
        edit={"en/language.toml": lambda t: t + '\n[reasons]\n"A" = "B"\n'},
    )
    with pytest.raises(ContentError) as caught:
        load_pack(root)
    assert (caught.value.reason, caught.value.where) == (
        "bad_language_file",
        "en/language.toml",
    )


@pytest.mark.parametrize("codes", ['["en", "en"]', "[]", '["EN"]', '"en"'])
def test_the_language_list_must_be_sound(make_pack, codes: str) -> None:
    root = make_pack(
        languages=ONLY_EN,
        edit={
            "pack.toml": lambda t: t.replace(
                'languages = ["en"]', f"languages = {codes}"
            )
        },
    )
    pack, problems = check_files(read_dir(root))
    assert pack is None
    assert (problems[0].reason, problems[0].where) == (
        "bad_pack_languages",
        "pack.toml",
    )


def test_the_first_language_is_the_base_and_must_have_every_card(make_pack) -> None:
    root = make_pack(
        languages=ONLY_EN,
        edit={"pack.toml": lambda t: with_languages(t, '"fr", "en"')},
        add={
            # A base language keeps its texts in the cards and picker.toml.
            "fr/language.toml": FR_LANGUAGE.split("[sections]")[0],
            "fr/cards/method-indirect.md": FR_INDIRECT,
        },
    )
    pack, problems = check_files(read_dir(root))
    assert pack is None
    assert ("missing_card", "method-direct_dialogue") in {
        (p.reason, p.where) for p in problems
    }


def test_a_pack_in_the_old_single_language_layout_is_refused(
    bundled_files: dict[str, bytes],
) -> None:
    old = {"pack.toml": b"format = 1\n", "picker.toml": bundled_files["picker.toml"]}
    old |= {
        name.removeprefix("en/"): data
        for name, data in bundled_files.items()
        if name.startswith("en/cards/")
    }
    pack, problems = check_files(old)
    assert pack is None
    assert problems[0].reason == "unexpected_file"
    assert problems[0].where.startswith("cards/")
