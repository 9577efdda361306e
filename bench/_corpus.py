"""Synthetic contacts that compress roughly like field prose (Zipf vocabulary)."""

from __future__ import annotations

import datetime
import random
import uuid

from models import Commitment, Contact
from models.enums import (
    Approach,
    ContactKind,
    Level,
    Method,
    ProtectionIssue,
    RiskFlag,
)

__all__ = ["Corpus"]

_SYLLABLES = [
    *("ka", "ri", "to", "mu", "sa", "le", "no", "bi", "da", "fe", "go", "hu", "ji"),
    *("lo", "ma", "ne", "pa", "ru", "si", "ta", "vu", "wa", "ye", "zo", "ban", "del"),
    *(
        "fir",
        "gol",
        "hal",
        "kem",
        "lin",
        "mor",
        "nas",
        "pol",
        "rak",
        "sul",
        "tem",
        "vol",
    ),
]
_ROLES = ("checkpoint commander", "battalion officer", "local leader", "spokesperson")


class Corpus:
    """Generates contacts from a fixed seed, so runs compare."""

    def __init__(self, seed: int = 7, words: int = 5000) -> None:
        self.rng = random.Random(seed)
        vocab: set[str] = set()
        while len(vocab) < words:
            size = self.rng.randint(1, 4)
            vocab.add("".join(self.rng.choice(_SYLLABLES) for _ in range(size)))
        self.vocab = sorted(vocab)
        self.rng.shuffle(self.vocab)
        self.weights = [1 / (rank + 1) ** 1.1 for rank in range(words)]
        self.actors = [uuid.uuid4() for _ in range(50)]
        self.places = [uuid.uuid4() for _ in range(30)]

    def text(self, low: int, high: int) -> str:
        """A run of words drawn by rank frequency."""
        k = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.vocab, self.weights, k=k))

    def contact(self, team: str = "north") -> Contact:
        """One plausible contact report."""
        rng = self.rng
        count = rng.randint(0, 2)
        commitments = [Commitment(text=self.text(5, 12)) for _ in range(count)]
        return Contact(
            on=datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 300)),
            place_id=rng.choice(self.places),
            contact_kind=rng.choice(list(ContactKind)),
            actor_id=rng.choice(self.actors),
            interlocutor_role=rng.choice(_ROLES),
            level=rng.choice(list(Level)),
            methods=rng.sample(list(Method), rng.randint(1, 2)),
            approaches=rng.sample(list(Approach), rng.randint(1, 2)),
            issues=rng.sample(list(ProtectionIssue), rng.randint(1, 3)),
            asks=self.text(10, 20),
            commitments=commitments,
            outcome=self.text(10, 25),
            risks=rng.sample(list(RiskFlag), rng.randint(0, 2)),
            notes=self.text(30, 90),
            team=team,
        )

    def contacts(self, n: int, team: str = "north") -> list[Contact]:
        """``n`` contacts."""
        return [self.contact(team) for _ in range(n)]
