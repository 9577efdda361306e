"""The word index finds exactly what a scan of every folded text finds."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from app.readmodel import fold
from app.readmodel.search import DENSE, WordIndex, mask_of, slots_of

# Latin, accented, Arabic (with a haraka and a tatweel) and whitespace of both kinds.
ALPHABET = "abnor éè\nبتـَث"
TEXTS = st.text(alphabet=ALPHABET, max_size=24).map(fold)
QUERIES = st.text(alphabet=ALPHABET, max_size=6)


def _key(n: int, record_id: uuid.UUID) -> tuple[float, int, uuid.UUID]:
    return (float(n % 5), 0, record_id)


def scan(
    texts: dict[uuid.UUID, tuple[tuple[float, int, uuid.UUID], str]], query: str
) -> list[uuid.UUID]:
    """The reference: every record whose text holds every word, in key order."""
    words = fold(query).split()
    found = [k for k, t in texts.values() if all(w in t for w in words)]
    return [key[2] for key in sorted(found)]


def search(
    index: WordIndex,
    texts: dict[uuid.UUID, tuple[tuple[float, int, uuid.UUID], str]],
    query: str,
    limit: int = 0,
) -> tuple[int, list[uuid.UUID]]:
    order = sorted(key for key, _ in texts.values())
    hits = index.matching(fold(query).split())
    return hits.bit_count(), index.first(hits, order, limit)


@settings(max_examples=150, deadline=None)
@given(
    first=st.lists(TEXTS, max_size=12),
    later=st.lists(st.tuples(st.integers(0, 30), TEXTS | st.none()), max_size=12),
    queries=st.lists(QUERIES, min_size=1, max_size=6),
    dense=st.sampled_from([1, 3, DENSE]),
)
def test_index_finds_what_a_scan_finds_through_adds_changes_and_removals(
    first: list[str],
    later: list[tuple[int, str | None]],
    queries: list[str],
    dense: int,
) -> None:
    ids = [uuid.uuid4() for _ in range(31)]
    texts = {ids[n]: (_key(n, ids[n]), t) for n, t in enumerate(first)}
    index = WordIndex(dense=dense)
    index.build([(rid, key, text) for rid, (key, text) in texts.items()])
    for query in queries:  # warm the recent words: later changes must follow them
        search(index, texts, query)
    for n, text in later:
        if text is None:
            index.remove(ids[n])
            texts.pop(ids[n], None)
        else:
            index.add(ids[n], _key(n, ids[n]), text)
            texts[ids[n]] = (_key(n, ids[n]), text)
    for query in queries:
        for end in range(len(query) + 1):  # typed letter by letter
            expected = scan(texts, query[:end])
            assert search(index, texts, query[:end]) == (len(expected), expected)
            assert search(index, texts, query[:end], limit=2)[1] == expected[:2]
    assert len(index) == len(texts)


def test_common_tokens_switch_to_bit_sets_and_are_still_found() -> None:
    index = WordIndex()
    ids = [uuid.uuid4() for _ in range(DENSE * 3)]
    index.build([(r, _key(n, r), "water") for n, r in enumerate(ids[:DENSE])])
    for n, record_id in enumerate(ids[DENSE:], start=DENSE):
        index.add(record_id, _key(n, record_id), "water well")
    index.remove(ids[0])
    assert index.matching(["ate"]).bit_count() == len(ids) - 1
    assert index.matching(["well"]).bit_count() == DENSE * 2


def test_many_hits_are_listed_in_the_given_order() -> None:
    index = WordIndex()
    ids = [uuid.uuid4() for _ in range(1500)]
    keys = [(float(-n), 0, r) for n, r in enumerate(ids)]
    index.build([(r, keys[n], f"gate {n % 2}") for n, r in enumerate(ids)])
    order = sorted(keys)
    hits = index.matching(["1"])
    assert index.first(hits, order, 3) == [k[2] for k in order if k[0] % 2][:3]


def test_bit_sets_round_trip() -> None:
    assert slots_of(mask_of([0, 9, 70, 7])) == [0, 7, 9, 70]
    assert mask_of([]) == 0 and slots_of(0) == []


def test_index_is_worn_once_most_slots_are_of_changed_records() -> None:
    index = WordIndex()
    record_id = uuid.uuid4()
    index.build([(record_id, _key(0, record_id), "gate")])
    changes = 0
    while not index.worn:
        changes += 1
        index.add(record_id, _key(changes, record_id), f"gate {changes}")
    assert changes > 1000 and len(index) == 1
    assert index.matching([str(changes)]).bit_count() == 1
