"""Offline search: folding, accents, prefixes, typos, ranking and snippets."""

from __future__ import annotations

import pytest

from app.services.guidance import Card, CardKind, GuidanceLibrary, fold
from app.services.guidance.search import SearchIndex
from app.services.guidance.text import spans, words


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


@pytest.fixture(scope="module")
def water() -> SearchIndex:
    # "point" is in most cards; "water" in two; one holds the phrase.
    return SearchIndex(
        [
            make_card("basics-p1", "Focal points", body="Name a focal point."),
            make_card("basics-p2", "Meetings", body="Make one point at a time."),
            make_card("basics-p3", "Notes", body="Point to the facts. " * 4),
            make_card("basics-w1", "Wells", body="Water runs short in summer."),
            make_card("basics-w2", "Sites", body="The water point opens at six."),
            make_card("basics-w3", "Pumps", body="A point about water: guard it."),
            make_card("basics-p4", "Remarks", body="Pointed remarks."),
        ]
    )


def test_search_ranks_the_phrase_first(water) -> None:
    assert ids(water.search("water point"))[0] == "basics-w2"
    assert ids(water.search("water point "))[0] == "basics-w2"


def test_search_ranks_a_rare_word_above_a_common_one(water) -> None:
    # Cards with "water" only beat cards with "point" only, even a title match.
    found = ids(water.search("water point"))
    assert found[:2] == ["basics-w2", "basics-w3"]  # both words
    assert found[2] == "basics-w1"  # the rare word alone
    assert set(found[3:]) == {"basics-p1", "basics-p2", "basics-p3", "basics-p4"}


def test_search_prefers_a_whole_word_to_a_longer_one_it_starts(water) -> None:
    found = ids(water.search("point"))
    assert found.index("basics-p2") < found.index("basics-p4")
    # A finished word takes whole words only, when it has them.
    assert "basics-p4" not in ids(water.search("point "))


def test_search_phrase_keeps_its_stop_words(library: GuidanceLibrary) -> None:
    hits = library.search("naming and shaming")
    assert ids(hits)[0] == "method-revealing_facts"
    assert "naming and shaming" in hits[0].snippet


def test_search_phrase_does_not_span_two_tags() -> None:
    index = SearchIndex(
        [
            make_card("basics-x", "X", tags=("safe water", "point of view")),
            make_card("basics-y", "Y", tags=("water point",)),
        ]
    )
    assert ids(index.search("water point")) == ["basics-y", "basics-x"]


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
        ("fuel depot", "basics-resource-control"),
        ("who controls the market", "basics-resource-control"),
        ("prepare a meeting", "basics-meetings"),
        ("encrypted messaging", "basics-non-state-engagement"),
    ],
)
def test_search_puts_the_obvious_card_first(
    library: GuidanceLibrary, query: str, first: str
) -> None:
    assert ids(library.search(query))[0] == first


@pytest.mark.parametrize("query", ["water point", "water point ", "Water Point"])
def test_water_point_ranks_water_cards_above_cards_that_only_say_point(
    library: GuidanceLibrary, query: str
) -> None:
    # Issue 15, acceptance 3: the reader wants water, not every "focal point".
    hits = library.search(query)
    about_water = [
        i for i, hit in enumerate(hits) if "water" in fold(_text(library, hit))
    ]
    only_point = [i for i in range(len(hits)) if i not in about_water]
    assert about_water and only_point
    assert max(about_water) < min(only_point)
    assert hits[0].card_id == "basics-resource-control"


def _text(library: GuidanceLibrary, hit) -> str:
    card = library.card(hit.card_id)
    assert card is not None
    return " ".join((card.title, card.summary, *card.tags, card.body))


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


# -- in French ------------------------------------------------------------------


@pytest.fixture(scope="module")
def french(library: GuidanceLibrary) -> GuidanceLibrary:
    return library.in_language("fr")


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("négociation", "method-direct_dialogue"),
        ("negociation", "method-direct_dialogue"),
        ("NÉGOCIATION", "method-direct_dialogue"),
        ("négocation", "method-direct_dialogue"),  # a typo
        ("barrage", "basics-checkpoints"),
        ("poste de contrôle", "basics-checkpoints"),
        ("plaidoyer", "method-public_advocacy"),
        ("donnant-donnant", "approach-quid_pro_quo"),
        ("article 3 commun", "basics-when-to-engage"),
        ("chefs coutumiers", "method-indirect"),
        ("dénonciation", "method-revealing_facts"),
        ("denonciation", "method-revealing_facts"),
        ("droit international humanitaire", "approach-international_law"),
        ("l'image de soi", "approach-self_image"),
        ("formation", "method-education_training"),
    ],
)
def test_french_search_finds_the_french_card(
    french: GuidanceLibrary, query: str, first: str
) -> None:
    hits = french.search(query)
    assert ids(hits)[0] == first
    card = french.card(first)
    assert card is not None and card.language == "fr"
    assert hits[0].title == card.title


def test_french_search_reaches_cards_shown_in_english(french: GuidanceLibrary) -> None:
    # A card French lacks is searched in the English it is shown in.
    found = french.localized("basics-coordination")
    assert found is not None and found.fallback
    assert ids(french.search("Protection Cluster"))[0] == "basics-coordination"
    # And a translated card is found by its French words.
    assert ids(french.search("point d'eau"))[0] == "basics-resource-control"


def test_french_stop_words_do_not_flood_the_results(french: GuidanceLibrary) -> None:
    with_stops = ids(french.search("le dialogue des barrages"))
    assert with_stops[:2] == ids(french.search("dialogue barrages"))[:2]


# -- across scripts: Arabic -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("الْحِوَارُ", "الحوار"),  # tashkeel
        ("الحـــوار", "الحوار"),  # tatweel
        ("أمن", "امن"),  # alef with hamza above
        ("إنساني", "انساني"),  # alef with hamza below
        ("آمن", "امن"),  # alef with madda
        ("ٱلناس", "الناس"),  # alef wasla
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("نقطة", "نقطه"),  # teh marbuta
        ("مسؤول", "مسوول"),  # hamza on waw
        ("٣", "3"),  # Arabic-Indic digit
        ("۳", "3"),  # Eastern Arabic-Indic digit
        ("ﻻ", "لا"),  # presentation-form ligature
    ],
)
def test_fold_removes_arabic_marks_and_letter_variants(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_a_vowelled_arabic_word_stays_one_word() -> None:
    # The issue: vowel marks split words into fragments.
    assert words("الْحِوَارُ الْمُبَاشِرُ") == ["الحوار", "المباشر"]
    assert words("الحـوار، المباشر؟") == ["الحوار", "المباشر"]
    text = "ٱلْحِوَارُ، ثُمَّ"
    assert [(w, text[s:e]) for w, s, e in spans(text)] == [
        ("الحوار", "ٱلْحِوَارُ"),
        ("ثم", "ثُمَّ"),
    ]


@pytest.fixture(scope="module")
def arabic() -> SearchIndex:
    return SearchIndex(
        [
            make_card(
                "basics-ar1",
                "الحوار المباشر",
                body="تحدث مع الجهة المسلحة عن حماية المدنيين في المستشفى.",
            ),
            # Written with full vowel marks and a tatweel.
            make_card(
                "basics-ar2",
                "نُقْطَةُ الْمِيَاهِ",
                body="إِذَا سَيْطَرَتْ جَمَاعَةٌ عَلَى نُقْطَةِ الْمِيَاهِ فَاسْتَعِدَّ لِلِقَائِهَا.",
            ),
            make_card(
                "basics-ar3",
                "الأمن على الحواجز",
                body="أبلغ مقرك بطريقك. لا تعرض المال على الحاجز أبدا، والتزم بالهدوء.",
            ),
            make_card("basics-en", "Water point", body="The water point is closed."),
        ]
    )


@pytest.mark.parametrize(
    "query",
    ["نقطة المياه", "نُقْطَةُ الْمِيَاهِ", "نقطه المياه", "نقطـة الميـاه", "المياه"],
)
def test_arabic_search_ignores_vowel_marks_tatweel_and_teh_marbuta(
    arabic: SearchIndex, query: str
) -> None:
    assert ids(arabic.search(query))[0] == "basics-ar2"


@pytest.mark.parametrize("query", ["الأمن", "الامن", "الإمن", "الآمن", "ٱلأمن"])
def test_arabic_search_folds_every_alef(arabic: SearchIndex, query: str) -> None:
    assert ids(arabic.search(query))[0] == "basics-ar3"


@pytest.mark.parametrize("query", ["المستشفى", "المستشفي", "مستشفى"])
def test_arabic_search_folds_yeh_and_alef_maqsura(
    arabic: SearchIndex, query: str
) -> None:
    assert ids(arabic.search(query)) == ["basics-ar1"]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("حوار", "basics-ar1"),  # without the article
        ("بالحوار", "basics-ar1"),  # with a particle joined to the article
        ("الحواجز", "basics-ar3"),
        ("حاجز", "basics-ar3"),
        ("والهدوء", "basics-ar3"),
        ("المدنيين", "basics-ar1"),
        ("للمدنيين", "basics-ar1"),
    ],
)
def test_arabic_search_matches_a_word_however_the_article_is_joined(
    arabic: SearchIndex, query: str, first: str
) -> None:
    assert ids(arabic.search(query))[0] == first


def test_arabic_search_marks_the_whole_vowelled_word(arabic: SearchIndex) -> None:
    hit = arabic.search("المياه")[0]
    marked = [hit.snippet[s:e] for s, e in hit.marks]
    assert marked == ["الْمِيَاهِ"]
    assert [hit.title[s:e] for s, e in hit.title_marks] == ["الْمِيَاهِ"]


def test_an_unfinished_arabic_word_matches_as_a_prefix(arabic: SearchIndex) -> None:
    assert ids(arabic.search("المبا"))[0] == "basics-ar1"
    assert ids(arabic.search("حما"))[0] == "basics-ar1"


def test_arabic_and_latin_queries_do_not_cross(arabic: SearchIndex) -> None:
    assert ids(arabic.search("water point")) == ["basics-en"]
    assert "basics-en" not in ids(arabic.search("نقطة المياه"))


def test_arabic_stop_words_do_not_flood_the_results(arabic: SearchIndex) -> None:
    # "على" (on) is in two cards; the query is about the checkpoint.
    assert ids(arabic.search("على الحاجز")) == ["basics-ar3"]


# -- in Arabic, over the bundled cards ---------------------------------------------


@pytest.fixture(scope="module")
def arabic_pack(library: GuidanceLibrary) -> GuidanceLibrary:
    return library.in_language("ar")


@pytest.mark.parametrize(
    ("queries", "first"),
    [
        # Each row: the plain spelling, then with vowel marks, tatweel or variants.
        (
            ("الحوار المباشر", "الْحِوَارُ الْمُبَاشِرُ", "الحـوار المبـاشر"),
            "method-direct_dialogue",
        ),
        (("حوار", "بالحوار", "وحوار"), "method-direct_dialogue"),
        (("نقطة تفتيش", "نقطه تفتيش", "نُقْطَةُ تَفْتِيشٍ"), "basics-checkpoints"),
        (("الحاجز", "حاجز", "الحواجز"), "basics-checkpoints"),
        (
            ("القانون الدولي الإنساني", "القانون الدولي الانساني", "ٱلْقَانُونُ الدَّوْلِيُّ"),
            "approach-international_law",
        ),
        (
            ("المادة 3 المشتركة", "المادة ٣ المشتركة", "المادة ۳ المشتركة"),
            "basics-when-to-engage",
        ),
        (("مكافحة الإرهاب", "مكافحة الارهاب", "ٱلْإِرْهَاب"), "basics-when-to-engage"),
        (("فتوى", "فتوي", "بفتوى"), "method-indirect"),
        (("الوسطاء", "الوسيط", "وسيط"), "method-indirect"),
        (("المقايضة", "مقايضة", "المقايضه"), "approach-quid_pro_quo"),
        (("نقطة مياه", "نقطه مياه", "الماء"), "basics-resource-control"),
        (("التشهير", "الْتَّشْهِير"), "method-revealing_facts"),
        (("المناصرة", "مناصره"), "method-public_advocacy"),
        (("صورة الجهة", "صوره"), "approach-self_image"),
        (("الأعراف", "الاعراف", "أعراف"), "approach-local_norms"),
        (("التدريب", "تدريب", "التد"), "method-education_training"),
        (("اجتماع", "الاجتماع"), "basics-meetings"),
    ],
)
def test_arabic_search_finds_the_card_with_or_without_marks_and_variants(
    arabic_pack: GuidanceLibrary, queries: tuple[str, ...], first: str
) -> None:
    for query in queries:
        hits = arabic_pack.search(query)
        assert ids(hits)[:1] == [first], query
    card = arabic_pack.card(first)
    assert card is not None and card.language == "ar"


def test_arabic_snippet_marks_whole_words_of_the_card(
    arabic_pack: GuidanceLibrary,
) -> None:
    hit = arabic_pack.search("الْمَدَنِيِّينَ")[0]
    for start, end in hit.marks:
        marked = hit.snippet[start:end]
        assert " " not in marked and fold(marked).endswith("مدنيين")
