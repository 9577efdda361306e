"""Runs of consecutive words from the seed documents, kept as hashes.

The seeds live outside the repository (../shared/seeds), so CI checks the cards
against hashes of every 12-word run instead of the text itself. Regenerate the data
file with ``python -m tests.guidance.seeds /path/to/seeds`` after a seed changes.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from app.services.guidance.text import words

RUN = 12
DATA = Path(__file__).parent / "data" / "seed_runs.txt"
_REPO = Path(__file__).resolve().parents[2]
# The main checkout sits beside ../shared; a worktree sits one level deeper.
_CANDIDATES = (
    _REPO.parent / "shared" / "seeds",
    _REPO.parent.parent / "shared" / "seeds",
)


def seeds_dir() -> Path | None:
    """The seed folder: $PARLEY_SEEDS, else ../shared/seeds if present, else None."""
    chosen = os.environ.get("PARLEY_SEEDS")
    for folder in (Path(chosen),) if chosen else _CANDIDATES:
        if any(folder.glob("*.txt")):
            return folder
    return None


def seed_texts(folder: Path) -> list[str]:
    """The text of every seed document in ``folder``."""
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def run_hash(run: Iterable[str]) -> str:
    """Hash one run of folded words (case, accents and punctuation already gone)."""
    return hashlib.blake2b(" ".join(run).encode("utf-8"), digest_size=8).hexdigest()


def runs(text: str, size: int = RUN) -> Iterator[tuple[str, ...]]:
    """Yield every run of ``size`` consecutive words of ``text``."""
    found = words(text)
    for start in range(len(found) - size + 1):
        yield tuple(found[start : start + size])


def seed_hashes(texts: Iterable[str]) -> set[str]:
    """Hash every 12-word run of every text."""
    return {run_hash(run) for text in texts for run in runs(text)}


def stored_hashes() -> set[str]:
    """The hashes kept in the repository."""
    lines = DATA.read_text(encoding="ascii").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def main(argv: list[str]) -> int:
    """Write the data file from the seed files in ``argv[0]`` (or ../shared/seeds)."""
    folder = Path(argv[0]) if argv else seeds_dir()
    if folder is None:
        raise SystemExit("no seed folder: pass one, or set PARLEY_SEEDS")
    texts = seed_texts(folder)
    header = f"# blake2b-64 of every {RUN}-word run of {len(texts)} seed documents\n"
    DATA.write_text(header + "\n".join(sorted(seed_hashes(texts))) + "\n", "ascii")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
