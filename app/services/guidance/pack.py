"""A whole content pack, loaded and checked: pack.toml, the cards and the picker."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.errors import ContentError
from app.services.guidance.cardfile import parse_card
from app.services.guidance.checks import cross_check
from app.services.guidance.model import Card, CardKind, PackInfo, Problem
from app.services.guidance.packfiles import check_name, read_dir
from app.services.guidance.picker import PickerRules, parse_rules
from models.enums import ActorType, Approach, Method

__all__ = ["PACK_FORMAT", "Pack", "check_files", "load_pack", "load_pack_files"]

PACK_FORMAT = 1
PACK_FILE = "pack.toml"
_KIND_ORDER = (CardKind.FOUNDATION, CardKind.METHOD, CardKind.APPROACH, CardKind.ACTOR)
# Methods, approaches and actors follow their enum's order; foundations their `order`.
_ENUM_ORDER: dict[str, int] = {
    **{f"method-{m.value}": i for i, m in enumerate(Method)},
    **{f"approach-{a.value}": i for i, a in enumerate(Approach)},
    **{f"actor-{t.value}": i for i, t in enumerate(ActorType)},
}


@dataclass(frozen=True, slots=True)
class Pack:
    """A checked content pack. ``cards`` are in library order."""

    info: PackInfo
    cards: tuple[Card, ...]
    rules: PickerRules

    def card(self, card_id: str) -> Card | None:
        """Return the card with ``card_id``, or ``None``."""
        for card in self.cards:
            if card.id == card_id:
                return card
        return None


def load_pack(root: Path) -> Pack:
    """Read and check the pack in directory ``root``.

    Raises:
        ContentError: the first problem found (see :func:`check_files`).
    """
    return load_pack_files(read_dir(root))


def load_pack_files(files: Mapping[str, bytes]) -> Pack:
    """Check pack files held in memory and build the pack.

    Raises:
        ContentError: the first problem found; ``reason`` and ``where`` name it.
    """
    pack, problems = check_files(files)
    if pack is None:
        first = problems[0]
        raise ContentError(first.reason, first.where)
    return pack


def check_files(files: Mapping[str, bytes]) -> tuple[Pack | None, list[Problem]]:
    """Check every part of a pack and report all problems found.

    Returns:
        ``(pack, [])`` when the pack is sound, else ``(None, problems)``.
    """
    try:
        texts = _decode(files)
        info = _info(texts)
        rules = parse_rules(_toml(texts, "picker.toml"))
    except ContentError as err:
        return None, [Problem(err.reason, err.where)]
    cards, problems = _cards(texts)
    problems += cross_check(cards, rules)
    if problems:
        return None, problems
    return Pack(
        info=info, cards=tuple(sorted(cards, key=_library_key)), rules=rules
    ), []


def _decode(files: Mapping[str, bytes]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name, data in files.items():
        check_name(name)
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ContentError("bad_encoding", name) from None
    for name in (PACK_FILE, "picker.toml"):
        if name not in texts:
            raise ContentError("missing_file", name)
    return texts


def _toml(texts: Mapping[str, str], name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(texts[name])
    except tomllib.TOMLDecodeError:
        raise ContentError("bad_toml", name) from None


def _info(texts: Mapping[str, str]) -> PackInfo:
    data = _toml(texts, PACK_FILE)
    if data.get("format") != PACK_FORMAT:
        raise ContentError("unsupported_format", PACK_FILE)
    pack_id, language = data.get("id"), data.get("language")
    version, published = data.get("version"), data.get("published")
    if not isinstance(pack_id, str) or not pack_id or not isinstance(language, str):
        raise ContentError("bad_pack_identity", PACK_FILE)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ContentError("bad_pack_version", PACK_FILE)
    if not isinstance(published, date):
        raise ContentError("bad_pack_published", PACK_FILE)
    return PackInfo(
        id=pack_id,
        language=language,
        version=version,
        published=published.isoformat(),
        kind_labels=_kind_labels(data.get("kinds")),
    )


def _kind_labels(raw: Any) -> dict[CardKind, str]:
    if not isinstance(raw, dict) or set(raw) != {k.value for k in CardKind}:
        raise ContentError("bad_kind_labels", PACK_FILE)
    if not all(isinstance(v, str) and v.strip() for v in raw.values()):
        raise ContentError("bad_kind_labels", PACK_FILE)
    return {CardKind(k): v.strip() for k, v in raw.items()}


def _cards(texts: Mapping[str, str]) -> tuple[list[Card], list[Problem]]:
    cards: list[Card] = []
    problems: list[Problem] = []
    for name in sorted(texts):
        if not name.startswith("cards/"):
            continue
        try:
            cards.append(parse_card(texts[name], name=name))
        except ContentError as err:
            problems.append(Problem(err.reason, err.where))
    if not cards and not problems:
        problems.append(Problem("no_cards", "cards/"))
    return cards, problems


def _library_key(card: Card) -> tuple[int, int, int, str]:
    return (
        _KIND_ORDER.index(card.kind),
        _ENUM_ORDER.get(card.id, 0),
        card.order,
        card.title.casefold(),
    )
