"""No card copies the seed documents: no run of 12 consecutive words in common."""

from __future__ import annotations

import pytest

from app.services.guidance import bundled_pack_dir
from tests.guidance.seeds import (
    RUN,
    run_hash,
    runs,
    seed_hashes,
    seed_texts,
    seeds_dir,
    stored_hashes,
)

PACK_FILES = sorted(
    p for p in bundled_pack_dir().rglob("*") if p.suffix in {".md", ".toml"}
)


def _copied_runs(text: str, hashes: set[str]) -> list[str]:
    return [" ".join(run) for run in runs(text) if run_hash(run) in hashes]


@pytest.mark.parametrize("path", PACK_FILES, ids=lambda p: p.name)
def test_pack_file_shares_no_12_word_run_with_the_seeds(path) -> None:
    copied = _copied_runs(path.read_text(encoding="utf-8"), stored_hashes())
    assert copied == []


def test_stored_runs_match_the_seed_documents() -> None:
    folder = seeds_dir()
    if folder is None:
        pytest.skip("seed documents not on this machine; stored hashes are used")
    assert stored_hashes() == seed_hashes(seed_texts(folder))


def test_overlap_check_ignores_case_punctuation_and_accents() -> None:
    seed = "One two three four five six seven eight nine ten eleven twelve thirteen."
    card = "Intro: ONE, two; three-four five SIX seven (eight) nine TEN élevèn twelve!"
    assert _copied_runs(card, seed_hashes([seed])) == [
        "one two three four five six seven eight nine ten eleven twelve"
    ]


def test_overlap_check_catches_a_run_planted_from_a_real_seed() -> None:
    folder = seeds_dir()
    if folder is None:
        pytest.skip("seed documents not on this machine")
    planted = " ".join(list(runs(seed_texts(folder)[0]))[300])
    card = f"## What it is\n\nYou start here. {planted.upper()}. Then you stop.\n"
    assert len(_copied_runs(card, stored_hashes())) == 1


def test_overlap_check_allows_a_run_shorter_than_12_words() -> None:
    seed = " ".join(f"w{i}" for i in range(40))
    card = "new " + " ".join(f"w{i}" for i in range(RUN - 1)) + " new"
    assert _copied_runs(card, seed_hashes([seed])) == []
    longer = "new " + " ".join(f"w{i}" for i in range(RUN)) + " new"
    assert len(_copied_runs(longer, seed_hashes([seed]))) == 1


def test_stored_runs_cover_both_seed_documents() -> None:
    # Two documents of roughly 3,000 words each give several thousand runs.
    assert len(stored_hashes()) > 5000
