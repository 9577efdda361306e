"""Guidance search speed: the index against a naive scan of the same texts.

``python -m bench guidance [--runs N]`` loads the bundled pack, builds the search
index, then times a set of realistic queries (typos, accents, unfinished words) many
times. The baseline, measured in the same run, is a casefolded substring scan over
the same card texts, with no accent folding, prefix or typo handling and no
snippets. The same is repeated on a corpus ten times larger, to show the headroom,
then in French and in Arabic (queries with and without vowel marks, alef and yeh
variants, joined articles) over the pack read in that language. The last line is
one JSON object; ``search_ms_p95`` (English), ``search_ms_p95_fr`` and
``search_ms_p95_ar`` are the figures to keep under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from app.services.guidance import Card, GuidanceLibrary, bundled_pack_dir, load_pack
from app.services.guidance.search import SearchIndex

TARGET_MS = 50.0
QUERIES = (
    "checkpoint",
    "check",
    "safe passage",
    "child recruitment",
    "démarche",
    "demarche",
    "dèmarche",
    "negotation",
    "religious leaders",
    "train",
    "wounded fighters",
    "police detention",
    "how do I talk to a gang",
    "sexual violence",
    "common article 3",
    "mines",
    "co-option",
    "peacekeepers mandate",
    "quid pro quo",
    "naming and shaming",
    "water point",
)
QUERIES_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "fr": (
        "barrage",
        "négociation",
        "negociation",
        "négotiation",
        "plaidoyer public",
        "leaders religieux",
        "donnant-donnant",
        "article 3 commun",
        "recrutement d'enfants",
        "formation",
        "form",
        "blessés",
        "comment parler à un gang",
        "violences sexuelles",
        "dénonciation",
        "point focal",
    ),
    "ar": (
        "الحوار المباشر",
        "الْحِوَارُ الْمُبَاشِرُ",
        "حوار",
        "بالحوار",
        "نقطة تفتيش",
        "نقطه تفتيش",
        "الحاجز",
        "حاجز",
        "القانون الدولي الإنساني",
        "القانون الدولي الانساني",
        "الأطفال",
        "الاطفال",
        "المستشفى",
        "المستشفي",
        "تجنيد",
        "الوسطاء",
        "العنف الجنسي",
        "المادة ٣ المشتركة",
        "التد",
        "مقايضة",
    ),
}


class NaiveScan:
    """The baseline: casefold the texts once, then substring-count every term."""

    def __init__(self, cards: Sequence[Card]) -> None:
        self._texts = [
            (c.id, " ".join((c.title, c.summary, *c.tags, c.body)).casefold())
            for c in cards
        ]

    def search(self, query: str, *, limit: int = 20) -> list[str]:
        """Return card ids holding any term, most occurrences first."""
        terms = query.casefold().split()
        scored = []
        for card_id, text in self._texts:
            count = sum(text.count(term) for term in terms)
            if count:
                scored.append((-count, card_id))
        return [card_id for _, card_id in sorted(scored)[:limit]]


def _times_ms(
    search: Callable[[str], object], runs: int, queries: Sequence[str] = QUERIES
) -> list[float]:
    times = []
    for _ in range(runs):
        for query in queries:
            start = time.perf_counter_ns()
            search(query)
            times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def _p(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _scaled(cards: Sequence[Card], factor: int) -> list[Card]:
    return [
        replace(card, id=f"{card.id}-{copy}")
        for copy in range(factor)
        for card in cards
    ]


def _measure(
    cards: Sequence[Card], runs: int, queries: Sequence[str] = QUERIES
) -> dict[str, float]:
    start = time.perf_counter_ns()
    index = SearchIndex(cards)
    build_ms = (time.perf_counter_ns() - start) / 1e6
    naive = NaiveScan(cards)
    index.search("warm up")
    naive.search("warm up")
    ours = _times_ms(index.search, runs, queries)
    base = _times_ms(naive.search, runs, queries)
    return {
        "index_build_ms": round(build_ms, 2),
        "search_ms_p50": round(_p(ours, 50), 3),
        "search_ms_p95": round(_p(ours, 95), 3),
        "baseline_ms_p50": round(_p(base, 50), 3),
        "baseline_ms_p95": round(_p(base, 95), 3),
        "ratio_p95": round(_p(ours, 95) / _p(base, 95), 2),
    }


def main(argv: list[str]) -> int:
    """Run the benchmark and print the figures; the last line is JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench guidance")
    parser.add_argument("--runs", type=int, default=100, help="passes over the queries")
    args = parser.parse_args(argv)
    start = time.perf_counter_ns()
    pack = load_pack(bundled_pack_dir())
    load_ms = (time.perf_counter_ns() - start) / 1e6
    cards = pack.cards
    one = _measure(cards, args.runs)
    ten = _measure(_scaled(cards, 10), max(1, args.runs // 10))
    library = GuidanceLibrary(pack)
    by_language = {
        code: _measure(library.in_language(code).cards(), args.runs, queries)
        for code, queries in QUERIES_BY_LANGUAGE.items()
        if pack.language(code) is not None
    }
    print(f"pack v{pack.info.version}: {len(cards)} cards, loaded in {load_ms:.1f} ms")
    print(f"{len(QUERIES)} queries x {args.runs} runs; baseline: casefolded substrings")
    rows = [("en 1x", one), ("en 10x", ten)]
    rows += [(f"{code} 1x", figures) for code, figures in by_language.items()]
    for label, figures in rows:
        print(
            f"{label:>7} corpus: index p50 {figures['search_ms_p50']:.3f} ms, "
            f"p95 {figures['search_ms_p95']:.3f} ms; baseline p95 "
            f"{figures['baseline_ms_p95']:.3f} ms; ratio {figures['ratio_p95']}; "
            f"build {figures['index_build_ms']:.1f} ms"
        )
    p95s = [one["search_ms_p95"], *(f["search_ms_p95"] for f in by_language.values())]
    result = {
        "cards": len(cards),
        "queries": len(QUERIES),
        "runs": args.runs,
        "pack_load_ms": round(load_ms, 2),
        **one,
        **{f"{key}_x10": value for key, value in ten.items()},
        **{
            f"{key}_{code}": value
            for code, figures in by_language.items()
            for key, value in figures.items()
        },
        "languages": ["en", *by_language],
        "target_ms": TARGET_MS,
        "within_target": max(p95s) < TARGET_MS,
    }
    print(json.dumps(result))
    return 0 if result["within_target"] else 1
