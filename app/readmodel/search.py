"""The word index of the records search: which records hold a typed word.

A search word never holds whitespace, so it is found in a record's folded text
exactly when it is found inside one of the text's whitespace-separated tokens.
The index keeps, for every distinct token, the records holding it; a word's
records are then the union over the (few thousand at most) distinct tokens that
contain it, instead of a scan of every record's text on every keystroke.

Records are numbered by slots; a set of records is a Python ``int`` used as a
bit set (AND, OR and counting are single C calls). A token held by few records
keeps a list of slots instead (a rare token would otherwise cost a full-width
bit set). A changed record gets a new slot and its old slot is only cleared
from the live set, so nothing has to be taken out of a posting. Masks of single
characters are kept for every character (each is the union over most tokens),
and a few recent words are cached; both follow every change.

Held in memory only, for one session; dropped with the read model on lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

__all__ = ["WordIndex"]

#: A token held by this many records or more keeps a bit set rather than a list.
DENSE = 64
#: Words of recent keystrokes kept with their records (typing narrows from them).
_RECENT = 64
#: Under this many hits, they are picked out of the bit set and sorted; above it,
#: the listing order is walked until enough are found.
_FEW = 512

_BITS = tuple(tuple(i for i in range(8) if byte >> i & 1) for byte in range(256))


@dataclass(slots=True)
class _Posting:
    """The records holding one token."""

    slots: list[int] = field(default_factory=list)
    mask: int = 0  # set once dense; then ``slots`` is no longer extended

    def add(self, slot: int, bit: int, dense: int) -> None:
        if self.mask:
            self.mask |= bit
            return
        self.slots.append(slot)
        if len(self.slots) >= dense:
            self.mask, self.slots = mask_of(self.slots), []


@dataclass(slots=True)
class _Word:
    """A recent word: the tokens containing it, and their records."""

    tokens: list[str]
    mask: int


class WordIndex:
    """Records by the words of their folded search text."""

    def __init__(self, *, dense: int = DENSE) -> None:
        self._dense = dense
        self._tokens: dict[str, _Posting] = {}
        self._chars: dict[str, int] = {}
        self._recent: dict[str, _Word] = {}
        self._slot: dict[int, int] = {}  # record id (as int) -> its slot
        self._keys: list[tuple[object, ...] | None] = []  # slot -> sort key
        self._ids: list[uuid.UUID | None] = []  # slot -> record id
        self._live = 0

    # -- changes -----------------------------------------------------------------------

    def build(self, texts: list[tuple[uuid.UUID, tuple[object, ...], str]]) -> None:
        """Index many records at once (the session's first build).

        ``texts`` holds each record's id, its sort key and its folded text.
        """
        chars: dict[str, list[int]] = {}
        tokens: dict[str, list[int]] = {}
        for record_id, key, text in texts:
            slot = self._new_slot(record_id, key)
            for token in set(text.split()):
                found = tokens.get(token)
                if found is None:
                    tokens[token] = [slot]
                else:
                    found.append(slot)
            for char in set(text):
                found = chars.get(char)
                if found is None:
                    chars[char] = [slot]
                else:
                    found.append(slot)
        self._live = (1 << len(self._ids)) - 1
        for token, slots in tokens.items():
            dense = len(slots) >= self._dense
            self._tokens[token] = (
                _Posting(mask=mask_of(slots)) if dense else _Posting(slots=slots)
            )
        self._chars = {char: mask_of(slots) for char, slots in chars.items()}

    def add(self, record_id: uuid.UUID, key: tuple[object, ...], text: str) -> None:
        """Index one record (again, if it was indexed with another text)."""
        self.remove(record_id)
        slot = self._new_slot(record_id, key)
        bit = 1 << slot
        self._live |= bit
        for token in set(text.split()):
            posting = self._tokens.get(token)
            if posting is None:
                posting = self._tokens[token] = _Posting()
                for word, recent in self._recent.items():
                    if word in token:
                        recent.tokens.append(token)
            posting.add(slot, bit, self._dense)
        for char in set(text):
            self._chars[char] = self._chars.get(char, 0) | bit
        for word, recent in self._recent.items():
            if word in text:
                recent.mask |= bit

    def remove(self, record_id: uuid.UUID) -> None:
        """Take a record out (deleted, purged, or about to be indexed again)."""
        slot = self._slot.pop(record_id.int, None)
        if slot is not None:
            self._live &= ~(1 << slot)
            self._ids[slot] = self._keys[slot] = None

    def _new_slot(self, record_id: uuid.UUID, key: tuple[object, ...]) -> int:
        slot = len(self._ids)
        self._ids.append(record_id)
        self._keys.append(key)
        self._slot[record_id.int] = slot
        return slot

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        """How many records are indexed."""
        return len(self._slot)

    @property
    def worn(self) -> bool:
        """True when most slots belong to records changed since: time to rebuild
        (bit sets are as wide as every slot ever given out)."""
        return len(self._ids) > 2 * len(self._slot) + 1024

    def matching(self, words: list[str]) -> int:
        """The records holding every word (folded), as a bit set of slots."""
        mask = self._live
        for word in words:
            if not mask:
                break
            mask &= self._word(word)
        return mask

    def among(self, record_ids: list[uuid.UUID]) -> int:
        """The bit set of the given records (those indexed)."""
        found = (self._slot.get(r.int) for r in record_ids)
        return mask_of([slot for slot in found if slot is not None])

    def first(
        self, mask: int, order: list[tuple[float, int, uuid.UUID]], limit: int
    ) -> list[uuid.UUID]:
        """The records of ``mask`` in listing ``order``: the first ``limit``, 0 all."""
        hits = mask.bit_count()
        if not hits:
            return []
        if hits <= _FEW:
            slots = slots_of(mask)
            keys = self._keys
            slots.sort(key=keys.__getitem__)  # type: ignore[arg-type]
            ids = self._ids
            chosen = slots[:limit] if limit else slots
            return [ids[s] for s in chosen]  # type: ignore[misc]
        want = min(limit, hits) if limit else hits
        data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
        size, slot_of = len(data), self._slot
        out: list[uuid.UUID] = []
        for key in order:
            s = slot_of.get(key[2].int)
            if s is not None and s >> 3 < size and data[s >> 3] >> (s & 7) & 1:
                out.append(key[2])
                if len(out) == want:
                    break
        return out

    def _word(self, word: str) -> int:
        if len(word) == 1:
            return self._chars.get(word, 0)
        recent = self._recent.get(word)
        if recent is not None:
            return recent.mask
        parent = self._recent.get(word[:-1])
        pool = parent.tokens if parent is not None else self._tokens
        tokens = [t for t in pool if word in t]
        mask, few = 0, set()
        postings = self._tokens
        for token in tokens:
            posting = postings[token]
            if posting.mask:
                mask |= posting.mask
            else:
                few.update(posting.slots)
        mask |= mask_of(few)
        if len(self._recent) >= _RECENT:
            self._recent.clear()
        self._recent[word] = _Word(tokens, mask)
        return mask


def mask_of(slots: list[int] | set[int]) -> int:
    """The bit set of some slots."""
    if not slots:
        return 0
    buf = bytearray((max(slots) >> 3) + 1)
    for slot in slots:
        buf[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(buf, "little")


def slots_of(mask: int) -> list[int]:
    """The slots of a bit set, in increasing order."""
    out: list[int] = []
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for at, byte in enumerate(data):
        if byte:
            base = at << 3
            out.extend(base + bit for bit in _BITS[byte])
    return out
