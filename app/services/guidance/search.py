"""Offline search over the cards: folded words, prefix on the last word, ranked.

The index is built once when a pack loads. A query's words are folded like the
text (no accents, no case; in Arabic no vowel marks or tatweel, one alef, one yeh,
teh marbuta as heh: see ``text.fold``), so a missing or wrong accent or mark still
matches, and an Arabic word is found with or without its article and the particles
joined to it (:func:`key`). The last
word may be unfinished and matches as a prefix, as does any word with no exact
match. A word with no match at all is retried with one letter added, dropped or
changed.

Ranking, strongest first:

1. cards matching more of the query's words;
2. cards holding the query as a phrase (its words side by side, in order);
3. cards matching rarer words: a word found in few cards tells more than one found
   in many (``"water point"``: "water" is in two cards, "point" in half of them),
   so a card that says "water" beats one that only says "point", wherever it
   says it;
4. the score: a title match outweighs a summary or tag match, which outweighs a
   body match, and a whole word outweighs a prefix or a near miss.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.services.guidance.model import Card, CardKind
from app.services.guidance.text import plain_text, spans, words

__all__ = ["Hit", "SearchIndex", "key"]

TITLE, TAGS, SUMMARY, BODY = 8.0, 4.0, 4.0, 1.0
PREFIX_FACTOR, FUZZY_FACTOR = 0.8, 0.5
# A phrase found in a field adds this much to the score (and ranks the card up).
PHRASE_BONUS = {"title": 10.0, "summary": 4.0, "tags": 4.0, "body": 3.0}
FUZZY_MIN_LEN = 4
SNIPPET_CHARS = 160
# Words too common to narrow a search; dropped unless the query has nothing else.
_STOP_WORDS = (
    # English
    "a an and are as at be by do for how i in is it of on or the to what when who "
    "with you your "
    # French
    "le la les l un une des de du d et ou en au aux à pour par sur avec dans que "
    "qui quoi est sont ce cet cette ces se leur leurs ne pas il elle ils elles "
    "nous vous je qu n s c y comment quand où pourquoi "
    # Arabic
    "في من على إلى عن مع أو ما لا هل كيف هذا هذه ذلك تلك التي الذي الذين أن إن "
    "قد ثم كل بين عند لم لن و"
)
# Arabic proclitics glued to a word: the article, alone or after "and", "with",
# "like", "so" or "for" ("والماء", "بالماء", "للماء" are all "ماء").
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
# One-letter particles joined to a word with no article ("بفتوى" is "with a fatwa",
# "وحوار" "and dialogue"). A word may or may not start with one, so both forms
# are indexed, the bare one at JOINED_FACTOR.
_ARABIC_PARTICLES = frozenset("وبلفك")
JOINED_FACTOR = 0.9


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result.

    ``snippet`` is plain text from the card (body, or the summary when only the title
    or tags matched); ``marks`` are ``(start, end)`` offsets of matched words in it,
    and ``title_marks`` the same for ``title``.
    """

    card_id: str
    title: str
    kind: CardKind
    score: float
    snippet: str
    marks: tuple[tuple[int, int], ...]
    title_marks: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class _Sequence:
    field: str
    words: tuple[str, ...]
    starts: dict[str, list[int]]  # word -> where it stands in ``words``

    @classmethod
    def of(cls, field: str, found: Iterable[str]) -> _Sequence:
        sequence = tuple(found)
        starts: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(sequence):
            starts[word].append(position)
        return cls(field, sequence, dict(starts))

    def holds(self, wanted: tuple[str, ...], *, prefix_last: bool) -> bool:
        """Whether ``wanted`` stands here word after word (the last may be a prefix)."""
        size = len(wanted)
        head, last = wanted[:-1], wanted[-1]
        for start in self.starts.get(wanted[0], ()):
            if self.words[start : start + size - 1] != head:
                continue
            end = start + size - 1
            if end >= len(self.words):
                continue
            word = self.words[end]
            if word == last or (prefix_last and word.startswith(last)):
                return True
        return False


@dataclass(frozen=True, slots=True)
class _Doc:
    card: Card
    plain: str
    # Each field's words in order, for phrases: title, summary, tags, body.
    sequences: tuple[_Sequence, ...]
    places: dict[str, list[tuple[int, int]]]  # body word -> its offsets in plain


class SearchIndex:
    """An in-memory index over a pack's cards. Build once, query many times."""

    def __init__(self, cards: Sequence[Card]) -> None:
        """Index ``cards`` (their order breaks score ties)."""
        self._docs: list[_Doc] = []
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)
        for index, card in enumerate(cards):
            self._docs.append(self._add(index, card))
        self._vocab = sorted(self._postings)
        self._deletes: dict[str, set[str]] = defaultdict(set)
        for word in self._vocab:
            if len(word) >= FUZZY_MIN_LEN:
                for variant in _deletions(word):
                    self._deletes[variant].add(word)

    def _add(self, index: int, card: Card) -> _Doc:
        best: dict[str, float] = {}
        fields = ((card.title, TITLE), (" ".join(card.tags), TAGS))
        for text, weight in (*fields, (card.summary, SUMMARY)):
            for word in _keys(text):
                best[word] = max(best.get(word, 0.0), weight)
                bare = _bare(word)
                if bare:
                    best[bare] = max(best.get(bare, 0.0), weight * JOINED_FACTOR)
        plain = plain_text(card.body)
        places: dict[str, list[tuple[int, int]]] = defaultdict(list)
        body: list[str] = []
        for word, start, end in spans(plain):
            found = key(word)
            places[found].append((start, end))
            body.append(found)
            bare = _bare(found)
            if bare:
                places[bare].append((start, end))
        for word in places:
            best[word] = max(best.get(word, 0.0), BODY)
        for word, weight in best.items():
            # A word used often in the body counts a little more, up to a cap.
            often = 0.1 * min(len(places.get(word, ())), 10)
            self._postings[word][index] = weight + often
        sequences = (
            _Sequence.of("title", _keys(card.title)),
            _Sequence.of("summary", _keys(card.summary)),
            # An empty word between tags keeps a phrase from spanning two of them.
            _Sequence.of("tags", (w for tag in card.tags for w in ("", *_keys(tag)))),
            _Sequence.of("body", body),
        )
        return _Doc(card, plain, sequences, dict(places))

    def search(self, query: str, *, limit: int = 20) -> list[Hit]:
        """Return the cards matching ``query``, best first.

        Args:
            query: what the reader typed. When it does not end with a space, its last
                word matches as a prefix (``"check"`` finds ``"checkpoint"``).
            limit: the most hits to return.
        """
        terms = _query_terms(query)
        if not terms:
            return []
        prefix_last = not query[-1:].isspace()
        scores: dict[int, float] = defaultdict(float)
        counts: dict[int, int] = defaultdict(int)
        rare: dict[int, float] = defaultdict(float)  # rarity of the words matched
        found: dict[int, set[str]] = defaultdict(set)
        for position, term in enumerate(terms):
            prefix = prefix_last and position == len(terms) - 1
            best: dict[int, float] = {}
            for word, factor in self._expand(term, prefix=prefix).items():
                for doc, weight in self._postings[word].items():
                    best[doc] = max(best.get(doc, 0.0), weight * factor)
                    found[doc].add(word)
            rarity = self._rarity(len(best))
            for doc, score in best.items():
                scores[doc] += score * rarity
                counts[doc] += 1
                rare[doc] += rarity
        phrase = _phrase(query, prefix_last=prefix_last)
        bonus = {d: _phrase_bonus(self._docs[d], phrase) for d in scores}
        ranked = sorted(
            scores,
            key=lambda d: (-counts[d], -bool(bonus[d]), -rare[d], -scores[d], d),
        )
        return [self._hit(d, scores[d] + bonus[d], found[d]) for d in ranked[:limit]]

    def _rarity(self, matched: int) -> float:
        # A term found in few cards weighs more: 1 when it is in every card, about
        # 4 when it is in one card of thirty. Counted over everything the term
        # matched (its prefixes and near misses too), so "point" is as common as
        # "point", "points" and "pointed" together.
        return 1.0 + math.log(max(1, len(self._docs)) / max(1, matched))

    def _expand(self, term: str, *, prefix: bool) -> dict[str, float]:
        matches: dict[str, float] = {}
        if term in self._postings:
            matches[term] = 1.0
        else:  # "بفتوى" typed, "فتوى" written
            bare = _bare(term)
            if bare and bare in self._postings:
                matches[bare] = JOINED_FACTOR
        # A finished word with no exact match may still start a longer one
        # ("child" finds "children"), which stands in for stemming.
        if prefix or not matches:
            start = bisect.bisect_left(self._vocab, term)
            for word in self._vocab[start:]:
                if not word.startswith(term):
                    break
                matches.setdefault(word, PREFIX_FACTOR)
        if not matches and len(term) >= FUZZY_MIN_LEN:
            for word in self._near(term):
                matches[word] = FUZZY_FACTOR
        return matches

    def _near(self, term: str) -> set[str]:
        # Symmetric deletes: one letter added, dropped, changed or two swapped.
        near = set(self._deletes.get(term, ()))
        for variant in _deletions(term):
            if variant in self._postings:
                near.add(variant)
            near |= self._deletes.get(variant, set())
        return near

    def _hit(self, index: int, score: float, found: set[str]) -> Hit:
        doc = self._docs[index]
        places = sorted(p for word in found for p in doc.places.get(word, ()))
        if places:
            snippet, marks = _window(doc.plain, places)
        else:
            snippet, marks = doc.card.summary, _marks(doc.card.summary, found)
        return Hit(
            card_id=doc.card.id,
            title=doc.card.title,
            kind=doc.card.kind,
            score=round(score, 3),
            snippet=snippet,
            marks=marks,
            title_marks=_marks(doc.card.title, found),
        )


def key(word: str) -> str:
    """The form a folded word is indexed and searched under.

    Latin words are unchanged. An Arabic word loses its article and the particles
    joined to it, so "الحوار", "بالحوار" and "حوار" are one word. Letters that
    look like an article after that go too, so "الالتزام" and "التزام" meet. What
    is left keeps at least two letters (three after a second cut).
    """
    if not word or not "\u0621" <= word[0] <= "\u064a":
        return word
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    while word.startswith("ال") and len(word) >= 5:
        word = word[2:]
    return word


_STOP = frozenset(key(word) for word in words(_STOP_WORDS))


def _bare(word: str) -> str | None:
    """``word`` without a one-letter Arabic particle in front, if it may have one."""
    if len(word) >= 4 and word[0] in _ARABIC_PARTICLES:
        return word[1:]
    return None


def _keys(text: str) -> list[str]:
    return [key(word) for word in words(text)]


def _query_terms(query: str) -> list[str]:
    terms = _keys(query)
    if not terms:
        return []
    keep_last = not query[-1:].isspace()
    kept = [
        t
        for i, t in enumerate(terms)
        if t not in _STOP or (keep_last and i == len(terms) - 1)
    ]
    return kept or terms


def _phrase(query: str, *, prefix_last: bool) -> tuple[tuple[str, ...], bool]:
    """The query's words in order, stop words kept ("naming and shaming").

    Returns the words (empty for a one-word query: field weights rank those) and
    whether the last one may be unfinished.
    """
    found = tuple(_keys(query))
    return (found if len(found) > 1 else ()), prefix_last


def _phrase_bonus(doc: _Doc, phrase: tuple[tuple[str, ...], bool]) -> float:
    wanted, prefix_last = phrase
    if not wanted:
        return 0.0
    for sequence in doc.sequences:
        if sequence.holds(wanted, prefix_last=prefix_last):
            return PHRASE_BONUS[sequence.field]
    return 0.0


def _deletions(word: str) -> Iterable[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _marks(text: str, found: set[str]) -> tuple[tuple[int, int], ...]:
    return tuple((start, end) for word, start, end in spans(text) if key(word) in found)


def _window(
    plain: str, places: list[tuple[int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    # Start where the most matched words fall within one snippet's length.
    best_start, best_count = places[0][0], 0
    for start, _ in places:
        count = sum(1 for s, e in places if start <= s and e <= start + SNIPPET_CHARS)
        if count > best_count:
            best_start, best_count = start, count
    begin = plain.rfind(" ", 0, max(0, best_start - 40)) + 1
    stop = plain.find(" ", min(len(plain), begin + SNIPPET_CHARS))
    stop = len(plain) if stop == -1 else stop
    head = "…" if begin > 0 else ""
    tail = "…" if stop < len(plain) else ""
    shift = len(head) - begin
    marks = tuple((s + shift, e + shift) for s, e in places if begin <= s and e <= stop)
    return head + plain[begin:stop] + tail, marks
