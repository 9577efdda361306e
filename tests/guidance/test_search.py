"""Offline search: folding, accents, prefixes, typos, ranking and snippets."""

from __future__ import annotations

import pytest

from app.services.guidance import Card, CardKind, GuidanceLibrary, fold
from app.services.guidance.search import SearchIndex


def make_card(
    card_id: str,
    title: str,
    *,
    summary: str = "A card.",
    tags: tuple[str, ...] = (),
    body: str = "Nothing to see.",
) -> Card:
    return Card(
        id=card_id,
        title=title,
        kind=CardKind.FOUNDATION,
        summary=summary,
        tags=tags,
        actor_types=(),
        outcomes=(),
        related=(),
        version=1,
        body=body,
    )


@pytest.fixture(scope="module")
def small() -> SearchIndex:
    return SearchIndex(
        [
            make_card("basics-a", "Sécurité à Bogotá", body="Réunion au café."),
            make_card("basics-b", "Convoys", summary="Moving aid by road."),
            make_card("basics-c", "Roads", tags=("convoy",), body="Plain text."),
            make_card("basics-d", "Notes", body="A convoy left at dawn. " * 3),
            make_card("basics-e", "Straße", body="Øresund and œuvre, ﬁnally."),
        ]
    )


def ids(hits) -> list[str]:
    return [hit.card_id for hit in hits]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Démarche", "demarche"),
        ("dèmarche", "demarche"),
        ("CAFÉ", "cafe"),
        ("cafe\u0301", "cafe"),  # decomposed accent
        ("Straße", "strasse"),
        ("Øresund", "oresund"),
        ("ﬁnally", "finally"),
    ],
)
def test_fold_removes_case_and_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("query", ["securite", "SÉCURITÉ", "sècurité", "sécurîte"])
def test_search_ignores_case_and_missing_or_wrong_accents(small, query) -> None:
    assert ids(small.search(query))[:1] == ["basics-a"]


@pytest.mark.parametrize("query", ["strasse", "oresund", "oeuvre", "finally"])
def test_search_folds_special_letters(small, query) -> None:
    assert ids(small.search(query)) == ["basics-e"]


def test_search_ranks_title_above_tags_above_body(small) -> None:
    assert ids(small.search("convoy ")) == ["basics-c", "basics-d"]
    assert ids(small.search("convoys")) == ["basics-b"]
    assert ids(small.search("convoy")) == ["basics-b", "basics-c", "basics-d"]


def test_search_matches_the_last_word_as_a_prefix(small) -> None:
    assert ids(small.search("conv")) == ["basics-b", "basics-c", "basics-d"]
    assert ids(small.search("roads conv"))[0] == "basics-c"


def test_search_matches_a_finished_word_exactly_when_it_can(small) -> None:
    assert ids(small.search("convoy ")) == ["basics-c", "basics-d"]
    # With no exact match, a finished word still finds longer words it starts.
    assert ids(small.search("conv ")) == ["basics-b", "basics-c", "basics-d"]


def test_search_forgives_one_wrong_letter(small) -> None:
    assert ids(small.search("secyrite ")) == ["basics-a"]
    assert ids(small.search("bogta ")) == ["basics-a"]


def test_search_returns_nothing_for_empty_or_unknown_queries(small) -> None:
    assert small.search("") == []
    assert small.search("  ?! ") == []
    assert small.search("zzzzzz ") == []


def test_search_snippet_marks_the_matched_words(small) -> None:
    hit = small.search("reunion")[0]
    assert hit.snippet == "Réunion au café."
    assert [hit.snippet[s:e] for s, e in hit.marks] == ["Réunion"]


def test_search_snippet_falls_back_to_the_summary(small) -> None:
    hit = small.search("convoys")[0]
    assert hit.snippet == "Moving aid by road."
    assert [hit.title[s:e] for s, e in hit.title_marks] == ["Convoys"]


# -- over the real pack ---------------------------------------------------------


@pytest.mark.parametrize("query", ["demarche", "DÉMARCHE", "dèmarche", "demárché"])
def test_search_finds_an_accented_word_however_it_is_typed(
    library: GuidanceLibrary, query: str
) -> None:
    hits = library.search(query)
    assert ids(hits)[:1] == ["method-direct_dialogue"]
    assert "démarche" in hits[0].snippet


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("checkpoint", "basics-checkpoints"),
        ("checkp", "basics-checkpoints"),
        ("training", "method-education_training"),
        ("educ", "method-education_training"),
        ("gangs", "actor-gang"),
        ("naming and shaming", "method-revealing_facts"),
        ("Common Article 3", "basics-when-to-engage"),
        ("deed of commitment", "basics-tools-agreements"),
        ("fatwa", "method-indirect"),
        ("peacekeepers mandate", "actor-peacekeepers"),
        ("negotation", "method-direct_dialogue"),  # a typo
        ("wounded fighters", "approach-quid_pro_quo"),
        ("co-option", "basics-co-option"),
    ],
)
def test_search_puts_the_obvious_card_first(
    library: GuidanceLibrary, query: str, first: str
) -> None:
    assert ids(library.search(query))[0] == first


def test_search_prefers_cards_matching_every_word(library: GuidanceLibrary) -> None:
    hits = library.search("religious fatwa")
    assert ids(hits)[0] == "method-indirect"  # the only card with both words
    assert len(hits) > 2  # cards with one of the words follow
    assert all(h.score < hits[0].score for h in hits[1:])


def test_search_snippets_come_from_the_card_text(library: GuidanceLibrary) -> None:
    for hit in library.search("risk", limit=50):
        assert hit.marks, hit.card_id
        for start, end in hit.marks:
            assert fold(hit.snippet[start:end]).startswith("risk")
        assert len(hit.snippet) <= 220


def test_search_respects_the_limit(library: GuidanceLibrary) -> None:
    assert len(library.search("the", limit=3)) == 3
