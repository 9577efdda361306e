"""Guidance search speed: the index against a naive scan of the same texts.

``python -m bench guidance [--runs N]`` loads the bundled pack, builds the search
index, then times a set of realistic queries (typos, accents, unfinished words) many
times. The baseline, measured in the same run, is a casefolded substring scan over
the same card texts, with no accent folding, prefix or typo handling and no
snippets. The same is repeated on a corpus ten times larger, to show the headroom.
The last line is one JSON object; ``search_ms_p95`` is the figure to keep under
50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from app.services.guidance import Card, bundled_pack_dir, load_pack
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
)


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


def _times_ms(search: Callable[[str], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        for query in QUERIES:
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


def _measure(cards: Sequence[Card], runs: int) -> dict[str, float]:
    start = time.perf_counter_ns()
    index = SearchIndex(cards)
    build_ms = (time.perf_counter_ns() - start) / 1e6
    naive = NaiveScan(cards)
    index.search("warm up")
    naive.search("warm up")
    ours = _times_ms(index.search, runs)
    base = _times_ms(naive.search, runs)
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
    print(f"pack v{pack.info.version}: {len(cards)} cards, loaded in {load_ms:.1f} ms")
    print(f"{len(QUERIES)} queries x {args.runs} runs; baseline: casefolded substrings")
    for label, figures in (("1x", one), ("10x", ten)):
        print(
            f"{label:>4} corpus: index p50 {figures['search_ms_p50']:.3f} ms, "
            f"p95 {figures['search_ms_p95']:.3f} ms; baseline p95 "
            f"{figures['baseline_ms_p95']:.3f} ms; ratio {figures['ratio_p95']}; "
            f"build {figures['index_build_ms']:.1f} ms"
        )
    result = {
        "cards": len(cards),
        "queries": len(QUERIES),
        "runs": args.runs,
        "pack_load_ms": round(load_ms, 2),
        **one,
        **{f"{key}_x10": value for key, value in ten.items()},
        "target_ms": TARGET_MS,
        "within_target": one["search_ms_p95"] < TARGET_MS,
    }
    print(json.dumps(result))
    return 0 if result["within_target"] else 1
