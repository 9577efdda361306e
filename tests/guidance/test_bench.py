"""The guidance benchmark runs and ends with the JSON line the issue asks for."""

from __future__ import annotations

import json

import pytest

from bench import guidance


def test_bench_prints_search_figures_as_its_last_line(
    capsys: pytest.CaptureFixture[str], library
) -> None:
    guidance.main(["--runs", "2"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = json.loads(last)
    assert figures["cards"] == len(library.cards())
    for key in (
        "search_ms_p95",
        "baseline_ms_p95",
        "ratio_p95",
        "search_ms_p95_x10",
        "search_ms_p95_fr",
        "search_ms_p95_ar",
        "baseline_ms_p95_ar",
    ):
        assert figures[key] > 0
    assert figures["languages"] == ["en", "fr", "ar"]


def test_bench_arabic_queries_find_arabic_cards(library) -> None:
    # The Arabic queries are real ones: each finds an Arabic card first.
    arabic = library.in_language("ar")
    for query in guidance.QUERIES_BY_LANGUAGE["ar"]:
        hits = arabic.search(query)
        assert hits, query
        card = arabic.card(hits[0].card_id)
        assert card is not None and card.language == "ar", query


def test_naive_baseline_finds_the_same_obvious_card(library) -> None:
    naive = guidance.NaiveScan(library.cards())
    assert naive.search("checkpoint")[0] == "basics-checkpoints"
    assert naive.search("zzzz") == []
